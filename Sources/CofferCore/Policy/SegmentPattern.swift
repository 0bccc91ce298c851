import CofferMountKit

/// Matching of rules with `+` segments (one whole segment each), optionally ending in `*`.
///
/// Paths are split on the `/` byte and segments compared as UTF-8 bytes, as Vault
/// does; Swift's `split` on characters would not split `/` + U+0301 (one character)
/// and its `==` would equate canonically equivalent segments.
enum SegmentPattern {
    typealias Segment = ArraySlice<UInt8>

    static func segments(_ text: String) -> [Segment] {
        Array(text.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    }

    private static let plus: Segment = [UInt8(ascii: "+")]

    static func matches(_ rule: PolicyRule, _ path: String) -> Bool {
        let ruleParts = segments(rule.path)
        let pathParts = segments(path)
        if rule.isPrefix {
            // The last rule segment (text before the `*`) is a prefix of that path
            // segment, and swallows the rest of the path.
            guard pathParts.count >= ruleParts.count else { return false }
        } else {
            guard pathParts.count == ruleParts.count else { return false }
        }
        for (index, part) in ruleParts.enumerated() {
            let segment = pathParts[index]
            let isLast = index == ruleParts.count - 1
            if part == plus { continue }
            if isLast && rule.isPrefix {
                if !segment.starts(with: part) { return false }
            } else if part != segment {
                return false
            }
        }
        return true
    }

    /// Whether some path under `prefix` could match the rule (for the KV preflight).
    static func couldMatch(_ rule: PolicyRule, under prefix: String) -> Bool {
        let ruleParts = segments(rule.path)
        let prefixParts = segments(prefix).filter { !$0.isEmpty }
        for (index, part) in prefixParts.enumerated() {
            guard index < ruleParts.count else { return rule.isPrefix }
            if ruleParts[index] == plus { continue }
            if index == ruleParts.count - 1 && rule.isPrefix { return part.starts(with: ruleParts[index]) }
            if ruleParts[index] != part { return false }
        }
        return true
    }
}

/// Which of two matching wildcard rules wins (spec/jwt-auth.md §5.3, step 3).
/// Positions and lengths are in bytes, as Vault counts them.
enum RulePriority {
    /// True when `a` has lower priority than `b`.
    static func isLower(_ a: PolicyRule, _ b: PolicyRule) -> Bool {
        let wildcardA = firstWildcard(a), wildcardB = firstWildcard(b)
        if wildcardA != wildcardB { return wildcardA < wildcardB }
        if a.isPrefix != b.isPrefix { return a.isPrefix }
        let plusA = plusCount(a), plusB = plusCount(b)
        if plusA != plusB { return plusA > plusB }
        let lengthA = a.pattern.utf8.count, lengthB = b.pattern.utf8.count
        if lengthA != lengthB { return lengthA < lengthB }
        return a.pattern.utf8.lexicographicallyPrecedes(b.pattern.utf8)
    }

    /// The byte index of the first `+` or `*` in the rule as written.
    private static func firstWildcard(_ rule: PolicyRule) -> Int {
        let text = Array(rule.pattern.utf8)
        return text.firstIndex { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "*") } ?? text.count
    }

    private static func plusCount(_ rule: PolicyRule) -> Int {
        SegmentPattern.segments(rule.path).filter { $0 == plus }.count
    }

    private static let plus: ArraySlice<UInt8> = [UInt8(ascii: "+")]
}
