/// Which of two matching wildcard rules wins (spec/jwt-auth.md §5.3, step 3),
/// and on which step of the comparison. Positions and lengths are in bytes, as
/// Vault counts them.
package enum RulePriority {
    /// The comparison's steps, in order; the first that differs decides.
    package enum Step: String, Sendable, Hashable, CustomStringConvertible {
        /// The rule whose first `+` or `*` comes earlier loses.
        case earlierWildcard = "its first wildcard comes earlier"
        /// A rule ending in `*` loses to one that does not.
        case endsInStar = "it ends in *"
        case morePlusSegments = "it has more + segments"
        case shorter = "it is shorter"
        /// The last resort: the lexicographically smaller rule loses.
        case lexicallySmaller = "it sorts first"

        package var description: String { rawValue }
    }

    /// The step on which `a` loses to `b`, or nil when `a` does not lose.
    static func stepLosing(_ a: PolicyRule, to b: PolicyRule) -> Step? {
        let wildcardA = firstWildcard(a), wildcardB = firstWildcard(b)
        if wildcardA != wildcardB { return wildcardA < wildcardB ? .earlierWildcard : nil }
        if a.isPrefix != b.isPrefix { return a.isPrefix ? .endsInStar : nil }
        let plusA = plusCount(a), plusB = plusCount(b)
        if plusA != plusB { return plusA > plusB ? .morePlusSegments : nil }
        let lengthA = a.pattern.utf8.count, lengthB = b.pattern.utf8.count
        if lengthA != lengthB { return lengthA < lengthB ? .shorter : nil }
        return a.pattern.utf8.lexicographicallyPrecedes(b.pattern.utf8) ? .lexicallySmaller : nil
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
