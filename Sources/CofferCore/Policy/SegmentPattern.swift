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
