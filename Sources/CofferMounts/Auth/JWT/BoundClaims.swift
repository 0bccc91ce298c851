import CofferEncoding
import CofferMountKit

/// `bound_claims` matching: both sides as lists, any-of against any-of, equality
/// type-sensitive in `string` mode, `*` globbing (across `/`) in `glob` mode
/// (spec/jwt-auth.md §3.7). One check per bound key, `bound_claims.<key>`.
enum BoundClaims {
    static func check(_ bound: [String: JSONValue], claims: [String: JSONValue], glob: Bool, into log: inout JWTLoginChecks) throws {
        for (key, expected) in bound.sorted(by: { $0.key < $1.key }) {
            let name = "bound_claims.\(key)"
            func wanted() -> String { "any of \(listed(expected))\(glob ? " (glob, * spans /)" : "")" }
            guard let actual = ClaimLookup.value(key, in: claims) else {
                try log.fail(name, expected: wanted(), actual: "missing", .boundClaimMissing(key))
            }
            let actualValues: [(value: JSONValue, inList: Bool)]
            switch actual {
            case .array(let items): actualValues = items.map { ($0, true) }
            case .object: try log.fail(name, expected: wanted(), actual: shown(actual), .boundClaimNotScalar(ClaimLookup.goFormat(actual)))
            // A top-level number is truncated to an integer before comparison (§3.7).
            case .double(let number): actualValues = [(.int(Int64(saturating: number)), false)]
            default: actualValues = [(actual, false)]
            }
            let expectedValues: [JSONValue] = expected.arrayValue ?? [expected]
            let matched = expectedValues.contains { wanted in
                actualValues.contains { got in matches(wanted, got.value, inList: got.inList, glob: glob) }
            }
            if !matched { try log.fail(name, expected: wanted(), actual: offered(actual), .boundClaimMismatch(key)) }
            log.pass(name, expected: wanted(), actual: offered(actual))
        }
    }

    /// A bound value as the list it is matched as: a single value is a list of one.
    static func listed(_ value: JSONValue) -> String {
        value.arrayValue == nil ? "[\(shown(value))]" : shown(value)
    }

    /// A claim's value as the match reads it: a list claim matches when any of
    /// its items does, a single value as itself.
    static func offered(_ value: JSONValue) -> String {
        value.arrayValue == nil ? shown(value) : "any of \(shown(value))"
    }

    /// A claim or bound value as JSON, for the decision's report.
    static func shown(_ value: JSONValue) -> String {
        String(decoding: value.serialized(), as: UTF8.self)
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
        guard parts.count > 1, let first = parts.first, let last = parts.last else { return pattern == text }
        guard text.hasPrefix(first) else { return false }
        var rest = Substring(text.dropFirst(first.count))
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.hasSuffix(last)
    }
}
