import CofferMountKit

/// Finding claims the way the JWT plugin does (spec/jwt-auth.md §3.7-3.8): a key
/// is a literal top-level claim name, even with `.` or `/` in it, unless it starts
/// with `/`, which makes it a JSON pointer (RFC 6901).
enum ClaimLookup {
    static func value(_ key: String, in claims: [String: JSONValue], pointer: Bool? = nil) -> JSONValue? {
        let isPointer = pointer ?? key.hasPrefix("/")
        guard isPointer else { return claims[key].flatMap { $0 == .null ? nil : $0 } }
        var current: JSONValue = .object(claims)
        for raw in key.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current == .null ? nil : current
    }

    /// A value as Go's `%v` prints it, for messages that quote a claim.
    static func goFormat(_ value: JSONValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let flag): return String(flag)
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return text
        case .array(let items): return "[" + items.map(goFormat).joined(separator: " ") + "]"
        case .object(let members):
            return "map[" + members.sorted { $0.key < $1.key }.map { "\($0.key):\(goFormat($0.value))" }.joined(separator: " ") + "]"
        }
    }
}

/// `bound_claims` matching: both sides as lists, any-of against any-of, equality
/// type-sensitive in `string` mode, `*` globbing (across `/`) in `glob` mode.
enum BoundClaims {
    static func check(_ bound: [String: JSONValue], claims: [String: JSONValue], glob: Bool) throws {
        for (key, expected) in bound.sorted(by: { $0.key < $1.key }) {
            guard let actual = ClaimLookup.value(key, in: claims) else {
                throw MountError.badRequest("error validating claims: claim \"\(key)\" is missing")
            }
            let actualValues: [(value: JSONValue, inList: Bool)]
            switch actual {
            case .array(let items): actualValues = items.map { ($0, true) }
            case .object: throw MountError.badRequest("error validating claims: received claim is not a string, bool, int or list: \(ClaimLookup.goFormat(actual))")
            // A top-level number is truncated to an integer before comparison (§3.7).
            case .double(let number): actualValues = [(.int(Int64(saturating: number)), false)]
            default: actualValues = [(actual, false)]
            }
            let expectedValues: [JSONValue] = expected.arrayValue ?? [expected]
            let matched = expectedValues.contains { wanted in
                actualValues.contains { got in matches(wanted, got.value, inList: got.inList, glob: glob) }
            }
            if !matched {
                throw MountError.badRequest("error validating claims: claim \"\(key)\" does not match any associated bound claim values")
            }
        }
    }

    private static func matches(_ expected: JSONValue, _ actual: JSONValue, inList: Bool, glob: Bool) -> Bool {
        if glob {
            guard case .string(let pattern) = expected, case .string(let text) = actual else { return false }
            return globMatch(pattern, text)
        }
        switch (expected, actual) {
        case (.int, .int), (.int, .double), (.double, .int), (.double, .double):
            // Numbers inside a claim list are never converted, so never equal (§3.7).
            return !inList && numeric(expected) == numeric(actual)
        default:
            return expected == actual
        }
    }

    private static func numeric(_ value: JSONValue) -> Int64? {
        switch value {
        case .int(let number): number
        case .double(let number): Int64(saturating: number)
        default: nil
        }
    }

    /// `*` matches any run of characters, `/` included; nothing else is special.
    static func globMatch(_ pattern: String, _ text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == text }
        guard text.hasPrefix(parts[0]) else { return false }
        var rest = Substring(text.dropFirst(parts[0].count))
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.hasSuffix(parts.last!)
    }
}
