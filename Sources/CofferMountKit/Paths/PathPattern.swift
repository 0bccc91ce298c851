/// A mount-relative path pattern: literal segments, `{name}` for one segment,
/// and a final `{name...}` for the rest of the path (possibly empty).
package struct PathPattern: Sendable, Hashable, CustomStringConvertible {
    private enum Segment: Hashable {
        case literal(String)
        case one(String)
        case rest(String)
    }

    private let segments: [Segment]
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

    /// The captured parameters when `path` matches, else nil.
    package func match(_ path: String) -> [String: String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var captures: [String: String] = [:]
        var index = 0
        for segment in segments {
            switch segment {
            case .literal(let text):
                guard index < parts.count, parts[index] == text else { return nil }
                index += 1
            case .one(let name):
                guard index < parts.count, !parts[index].isEmpty else { return nil }
                captures[name] = parts[index]
                index += 1
            case .rest(let name):
                captures[name] = parts[index...].joined(separator: "/")
                return captures
            }
        }
        // Allow one trailing slash (list requests carry one).
        if index == parts.count || (index == parts.count - 1 && parts[index].isEmpty) {
            return captures
        }
        return nil
    }
}

extension String {
    /// The path as Vault names mounts and devices: with one trailing slash.
    package var withTrailingSlash: String {
        hasSuffix("/") ? self : self + "/"
    }
}
