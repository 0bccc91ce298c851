/// How a role's `bound_service_account_names` and `_namespaces` match, as the
/// Kubernetes plugin matches them (go-secure-stdlib's `GlobbedStringsMatch`):
/// a `*` counts only at the start or the end of a pattern (`ci-*`, `*-runner`,
/// `*ci*`); anywhere else it is a literal character, and a pattern shorter
/// than two characters must equal the value. A list whose only entry is `*`
/// allows every value.
enum ServiceAccountBinding {
    /// Whether `value` is allowed by `patterns`.
    static func allows(_ patterns: [String], _ value: String) -> Bool {
        if patterns == ["*"] { return true }
        return patterns.contains { matches($0, value) }
    }

    static func matches(_ pattern: String, _ value: String) -> Bool {
        guard pattern.count >= 2 else { return pattern == value }
        let leading = pattern.hasPrefix("*"), trailing = pattern.hasSuffix("*")
        switch (leading, trailing) {
        case (true, true):
            let middle = pattern.dropFirst().dropLast()
            return middle.isEmpty || value.contains(middle)
        case (true, false): return value.hasSuffix(pattern.dropFirst())
        case (false, true): return value.hasPrefix(pattern.dropLast())
        case (false, false): return value == pattern
        }
    }
}
