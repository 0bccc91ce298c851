import CofferMountKit

/// The policies of one token, merged and ready to answer "may this path do that?"
/// without parsing anything (spec/jwt-auth.md §5.3-5.4).
package struct ACL: Sendable {
    /// Rules merged per identical rule string; deny on either side makes the merge deny.
    /// Keyed and compared by UTF-8 bytes, as Vault does: a grant on "café" (U+00E9)
    /// must not open "cafe\u{301}", which Swift's `String ==` calls equal.
    private var exact: [ByteString: PolicyRule] = [:]
    private var prefixes: [ByteString: PolicyRule] = [:]
    private var segmentRules: [PolicyRule] = []
    package private(set) var isRoot = false
    package let policyNames: [String]

    package init(policies: [Policy]) {
        policyNames = policies.map(\.name)
        for policy in policies {
            if policy.name == "root" { isRoot = true }
            for rule in policy.rules { add(rule) }
        }
    }

    private mutating func add(_ rule: PolicyRule) {
        if rule.hasSegmentWildcard {
            if let index = segmentRules.firstIndex(where: { $0.path.bytesEqual(rule.path) && $0.isPrefix == rule.isPrefix }) {
                segmentRules[index] = Self.merge(segmentRules[index], rule)
            } else {
                segmentRules.append(rule)
            }
        } else if rule.isPrefix {
            let key = ByteString(rule.path)
            prefixes[key] = prefixes[key].map { Self.merge($0, rule) } ?? rule
        } else {
            let key = ByteString(rule.path)
            exact[key] = exact[key].map { Self.merge($0, rule) } ?? rule
        }
    }

    private static func merge(_ a: PolicyRule, _ b: PolicyRule) -> PolicyRule {
        var merged = a
        if a.capabilities.contains(.deny) || b.capabilities.contains(.deny) {
            merged.capabilities = .deny
            merged.parameters = ParameterConstraints()
            return merged
        }
        merged.capabilities.formUnion(b.capabilities)
        merged.parameters = ParameterConstraints.merge(a.parameters, b.parameters)
        return merged
    }

    /// The single rule that governs `path`, or nil (denied).
    package func rule(for path: String, listing: Bool = false) -> PolicyRule? {
        if let rule = exact[ByteString(path)] { return rule }
        guard listing, path.utf8.last == UInt8(ascii: "/") else { return bestWildcardRule(for: path) }
        let withoutSlash = String(decoding: path.utf8.dropLast(), as: UTF8.self)
        if let rule = exact[ByteString(withoutSlash)] { return rule }
        if let rule = bestWildcardRule(for: path) { return rule }
        return bestWildcardRule(for: withoutSlash)
    }

    /// The capabilities on `path`, as `sys/capabilities` reports them.
    package func capabilities(on path: String) -> Capabilities {
        if isRoot { return .root }
        return rule(for: path)?.capabilities ?? []
    }

    /// Whether any rule grants something at or under `prefix` (the KV preflight, §4.13).
    package func grantsAnything(under prefix: String) -> Bool {
        if isRoot { return true }
        let rules = Array(exact.values) + Array(prefixes.values) + segmentRules
        return rules.contains { rule in
            guard !rule.capabilities.contains(.deny), !rule.capabilities.isEmpty else { return false }
            if rule.path.hasBytePrefix(prefix) { return true }
            if rule.isPrefix, prefix.hasBytePrefix(rule.path) { return true }
            return rule.hasSegmentWildcard && SegmentPattern.couldMatch(rule, under: prefix)
        }
    }

    private func bestWildcardRule(for path: String) -> PolicyRule? {
        var longest: PolicyRule?
        for (prefix, rule) in prefixes where path.hasBytePrefix(prefix.string) {
            if longest.map({ prefix.string.utf8.count > $0.path.utf8.count }) ?? true { longest = rule }
        }
        let segmentMatches = segmentRules.filter { SegmentPattern.matches($0, path) }
        if segmentMatches.isEmpty { return longest }
        let candidates = (longest.map { [$0] } ?? []) + segmentMatches
        return candidates.max(by: RulePriority.isLower)
    }
}

extension ParameterConstraints {
    /// Merging two grants on the same rule string: maps joined (an empty list, "any
    /// value", wins), required keys unioned, the smaller non-zero wrapping bounds kept.
    static func merge(_ a: ParameterConstraints, _ b: ParameterConstraints) -> ParameterConstraints {
        func join(_ x: [String: [String]]?, _ y: [String: [String]]?) -> [String: [String]]? {
            guard let x else { return y }
            guard let y else { return x }
            return x.merging(y) { left, right in left.isEmpty || right.isEmpty ? [] : left + right }
        }
        func smallerNonZero(_ x: Int64, _ y: Int64) -> Int64 {
            x == 0 ? y : y == 0 ? x : min(x, y)
        }
        return ParameterConstraints(
            allowed: join(a.allowed, b.allowed), denied: join(a.denied, b.denied),
            required: Array(Set(a.required + b.required)).sorted(),
            minWrappingTTL: smallerNonZero(a.minWrappingTTL, b.minWrappingTTL),
            maxWrappingTTL: smallerNonZero(a.maxWrappingTTL, b.maxWrappingTTL)
        )
    }
}
