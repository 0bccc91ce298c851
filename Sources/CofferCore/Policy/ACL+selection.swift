import CofferMountKit

/// Which rule governs a path (spec/jwt-auth.md §5.3), the other rules that
/// matched it, and why each lost.
package struct RuleSelection: Sendable, Equatable {
    /// The governing rule; nil when no rule matches (denied).
    package let winner: ACLRule?
    /// The path the winner matched: the request's, or for a listing the request's
    /// without its trailing `/` (§5.3 steps 2 and 4).
    package let matchedPath: String
    package let outranked: [OutrankedRule]
}

/// A rule that matched the path but does not govern it.
package struct OutrankedRule: Sendable, Equatable, CustomStringConvertible {
    package enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// An exact rule decides before any wildcard rule is consulted (steps 1-2).
        case exactRuleWins
        /// Only the longest matching prefix rule is a candidate (step 3).
        case longerPrefixWins
        /// It lost the priority comparison with the winner on this step (step 3).
        case priority(RulePriority.Step)

        package var description: String {
            switch self {
            case .exactRuleWins: "an exact rule matched"
            case .longerPrefixWins: "a longer prefix rule matched"
            case .priority(let step): "lower priority: \(step)"
            }
        }
    }

    package let rule: ACLRule
    package let reason: Reason

    package var description: String { "\(rule): \(reason)" }
}

extension ACL {
    /// The rule selection of §5.3 for `path`; `listing` enables the steps that
    /// retry without a trailing `/`.
    func select(_ path: String, listing: Bool) -> RuleSelection {
        let wildcards = wildcardMatches(path)
        if let rule = exact[ByteString(path)] {
            return RuleSelection(
                winner: rule, matchedPath: path, outranked: wildcards.all.map { OutrankedRule(rule: $0, reason: .exactRuleWins) })
        }
        guard listing, path.utf8.last == UInt8(ascii: "/") else { return wildcards.selection(path) }
        let withoutSlash = String(decoding: path.utf8.dropLast(), as: UTF8.self)
        if let rule = exact[ByteString(withoutSlash)] {
            return RuleSelection(
                winner: rule, matchedPath: withoutSlash, outranked: wildcards.all.map { OutrankedRule(rule: $0, reason: .exactRuleWins) })
        }
        let onPath = wildcards.selection(path)
        if onPath.winner != nil { return onPath }
        return wildcardMatches(withoutSlash).selection(withoutSlash)
    }

    /// Every prefix and `+` rule that matches `path`, compared as bytes.
    private func wildcardMatches(_ path: String) -> WildcardMatches {
        var longest: ACLRule?
        var shorter: [ACLRule] = []
        for (prefix, rule) in prefixes where path.hasBytePrefix(prefix.string) {
            if let current = longest, current.rule.path.utf8.count >= prefix.string.utf8.count {
                shorter.append(rule)
            } else {
                if let current = longest { shorter.append(current) }
                longest = rule
            }
        }
        return WildcardMatches(
            longestPrefix: longest, shorterPrefixes: shorter, segments: segmentRules.filter { SegmentPattern.matches($0.rule, path) })
    }
}

/// The wildcard rules matching one path, before step 3 picks among them.
private struct WildcardMatches {
    let longestPrefix: ACLRule?
    let shorterPrefixes: [ACLRule]
    let segments: [ACLRule]

    var all: [ACLRule] { (longestPrefix.map { [$0] } ?? []) + shorterPrefixes + segments }

    /// Step 3: the longest prefix rule, unless a `+` rule outranks it.
    func selection(_ path: String) -> RuleSelection {
        let shorter = shorterPrefixes.map { OutrankedRule(rule: $0, reason: .longerPrefixWins) }
        let candidates = (longestPrefix.map { [$0] } ?? []) + segments
        guard !candidates.isEmpty else { return RuleSelection(winner: nil, matchedPath: path, outranked: []) }
        var best = 0
        for index in candidates.indices.dropFirst() where RulePriority.stepLosing(candidates[best].rule, to: candidates[index].rule) != nil
        {
            best = index
        }
        let winner = candidates[best]
        // The order is total over distinct rule strings, so every other candidate loses on some step.
        let lost = candidates.indices.compactMap { index -> OutrankedRule? in
            guard index != best, let step = RulePriority.stepLosing(candidates[index].rule, to: winner.rule) else { return nil }
            return OutrankedRule(rule: candidates[index], reason: .priority(step))
        }
        return RuleSelection(winner: winner, matchedPath: path, outranked: lost + shorter)
    }
}
