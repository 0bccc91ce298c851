/// A mount-relative path pattern: literal segments, `{name}` for one segment,
/// and a final `{name...}` for the rest of the path (possibly empty).
package struct PathPattern: Sendable, Hashable, CustomStringConvertible {
    fileprivate enum Segment: Hashable {
        case literal(String)
        case one(String)
        case rest(String)
    }

    fileprivate let segments: [Segment]
    package let description: String

    package init(_ pattern: String) {
        description = pattern
        segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { part in
            if part.hasPrefix("{") && part.hasSuffix("...}") {
                return .rest(String(part.dropFirst().dropLast(4)))
            }
            if part.hasPrefix("{") && part.hasSuffix("}") {
                return .one(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
    }

    /// OpenBao's rule for a name in a path (`GenericNameRegex`): word characters,
    /// with `-` and `.` allowed inside but not at either end.
    package static func isName<Text: StringProtocol>(_ text: Text) -> Bool {
        guard let first = text.first, let last = text.last else { return false }
        func word(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        return word(first) && word(last) && text.allSatisfy { word($0) || $0 == "-" || $0 == "." }
    }

    /// A path cut at its slashes, for matching: a table cuts it once and tries
    /// every pattern on the same pieces (they share the path's storage).
    package static func parts(of path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: false)
    }

    /// The names this pattern captures, in order.
    package var captureNames: [String] {
        segments.compactMap { segment in
            switch segment {
            case .literal: nil
            case .one(let name), .rest(let name): name
            }
        }
    }

    /// The pattern as OpenBao's help shows a route: a regular expression, with
    /// its name rule for one segment (`GenericNameRegex`) and `.*` for the rest.
    package var routeExpression: String {
        let parts = segments.map { segment in
            switch segment {
            case .literal(let text): text
            case .one(let name): "(?P<\(name)>\\w(([\\w-.]+)?\\w)?)"
            case .rest(let name): "(?P<\(name)>.*)"
            }
        }
        return "^" + parts.joined(separator: "/") + "$"
    }

    /// The captured parameters when `path` matches, else nil.
    package func match(_ path: String) -> [String: String]? {
        match(parts: Self.parts(of: path))
    }

    /// The captured parameters when the path cut into `parts` matches, else nil.
    package func match(parts: [Substring]) -> [String: String]? {
        var captures: [String: String] = [:]
        var index = 0
        for (position, segment) in segments.enumerated() {
            switch segment {
            case .literal(let text):
                guard index < parts.count, Self.bytesEqual(parts[index], text) else { return nil }
                index += 1
            case .one(let name):
                guard index < parts.count, Self.isName(parts[index]) else { return nil }
                captures[name] = String(parts[index])
                index += 1
            case .rest(let name):
                return matchRest(name, tail: segments[(position + 1)...], parts: parts, from: index, captures: captures)
            }
        }
        // Allow one trailing slash (list requests carry one).
        if index == parts.count || (index == parts.count - 1 && parts[index].isEmpty) {
            return captures
        }
        return nil
    }
}

extension PathPattern {
    /// The rest of the path from `index`, less the literals that follow the rest in
    /// the pattern (`mounts/{path...}/tune`, OpenBao's `mounts/(?P<path>.+?)/tune$`).
    /// The rest follows a separator: `data/{path...}` takes `data/` and `data/a/b`,
    /// not a bare `data` (OpenBao's `^data/(?P<path>.*)$`).
    private func matchRest(
        _ name: String, tail: ArraySlice<Segment>, parts: [Substring], from index: Int, captures: [String: String]
    ) -> [String: String]? {
        guard index < parts.count else { return nil }
        var captures = captures
        // The pieces are slices of one path: the rest is that path from the first
        // piece to the last, taken in one copy rather than joined.
        let path = parts[index].base
        if tail.isEmpty {
            captures[name] = String(path[parts[index].startIndex...])
            return captures
        }
        var end = parts.count
        if parts[end - 1].isEmpty { end -= 1 }  // one trailing slash
        let literals = tail.compactMap { segment -> String? in
            if case .literal(let text) = segment { return text }
            return nil
        }
        // Only literals may follow a rest, and the rest takes at least one segment.
        guard literals.count == tail.count, end - index > literals.count else { return nil }
        for (offset, literal) in literals.enumerated() where !Self.bytesEqual(parts[end - literals.count + offset], literal) {
            return nil
        }
        let rest = String(path[parts[index].startIndex..<parts[end - literals.count - 1].endIndex])
        guard !rest.isEmpty else { return nil }
        captures[name] = rest
        return captures
    }

    /// By bytes: Swift's `==` calls U+212A (Kelvin sign) equal to "K".
    static func bytesEqual(_ a: Substring, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
}

extension String {
    /// The path as Vault names mounts and devices: with one trailing slash.
    package var withTrailingSlash: String {
        hasSuffix("/") ? self : self + "/"
    }
}
