/// Matching of rules with `+` segments (one whole segment each), optionally ending in `*`.
enum SegmentPattern {
    static func matches(_ rule: PolicyRule, _ path: String) -> Bool {
        let ruleParts = rule.path.split(separator: "/", omittingEmptySubsequences: false)
        let pathParts = path.split(separator: "/", omittingEmptySubsequences: false)
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
            if part == "+" { continue }
            if isLast && rule.isPrefix {
                if !segment.hasPrefix(part) { return false }
            } else if part != segment {
                return false
            }
        }
        return true
    }

    /// Whether some path under `prefix` could match the rule (for the KV preflight).
    static func couldMatch(_ rule: PolicyRule, under prefix: String) -> Bool {
        let ruleParts = rule.path.split(separator: "/", omittingEmptySubsequences: false)
        let prefixParts = prefix.split(separator: "/", omittingEmptySubsequences: true)
        for (index, part) in prefixParts.enumerated() {
            guard index < ruleParts.count else { return rule.isPrefix }
            if ruleParts[index] == "+" { continue }
            if index == ruleParts.count - 1 && rule.isPrefix { return part.hasPrefix(ruleParts[index]) }
            if ruleParts[index] != part { return false }
        }
        return true
    }
}

/// Which of two matching wildcard rules wins (spec/jwt-auth.md §5.3, step 3).
enum RulePriority {
    /// True when `a` has lower priority than `b`.
    static func isLower(_ a: PolicyRule, _ b: PolicyRule) -> Bool {
        let wildcardA = firstWildcard(a), wildcardB = firstWildcard(b)
        if wildcardA != wildcardB { return wildcardA < wildcardB }
        if a.isPrefix != b.isPrefix { return a.isPrefix }
        let plusA = plusCount(a), plusB = plusCount(b)
        if plusA != plusB { return plusA > plusB }
        let lengthA = a.pattern.count, lengthB = b.pattern.count
        if lengthA != lengthB { return lengthA < lengthB }
        return a.pattern < b.pattern
    }

    /// The index of the first `+` or `*` in the rule as written.
    private static func firstWildcard(_ rule: PolicyRule) -> Int {
        let text = Array(rule.pattern)
        return text.firstIndex { $0 == "+" || $0 == "*" } ?? text.count
    }

    private static func plusCount(_ rule: PolicyRule) -> Int {
        rule.path.split(separator: "/", omittingEmptySubsequences: false).filter { $0 == "+" }.count
    }
}
