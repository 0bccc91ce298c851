import CofferMountKit

/// The policies of one token, merged and ready to answer "may this path do that?"
/// without parsing anything (spec/jwt-auth.md §5.3-5.4). `decide` answers with
/// an `ACLDecision`; nothing else in Coffer re-implements the rule.
package struct ACL: Sendable {
    /// Rules merged per identical rule string; deny on either side makes the merge deny.
    /// Keyed and compared by UTF-8 bytes, as Vault does: a grant on "café" (U+00E9)
    /// must not open "cafe\u{301}", which Swift's `String ==` calls equal.
    private(set) var exact: [ByteString: ACLRule] = [:]
    private(set) var prefixes: [ByteString: ACLRule] = [:]
    private(set) var segmentRules: [ACLRule] = []
    package private(set) var isRoot = false
    package let policyNames: [String]

    /// `identity`: the token's entity and groups, for templated rules; a rule
    /// whose parameters do not resolve for them is left out.
    package init(policies: [Policy], identity: IdentityContext? = nil) {
        policyNames = policies.map(\.name)
        for policy in policies {
            if policy.name == "root" { isRoot = true }
            for rule in policy.rules { add(rule, from: policy.name) }
            for template in policy.templatedRules {
                guard let path = IdentityTemplate.resolve(template.path, for: identity) else { continue }
                var rule = template
                rule.path = path
                add(rule, from: policy.name)
            }
        }
    }

    private mutating func add(_ rule: PolicyRule, from policy: String) {
        if rule.hasSegmentWildcard {
            if let index = segmentRules.firstIndex(where: { $0.rule.path.bytesEqual(rule.path) && $0.rule.isPrefix == rule.isPrefix }) {
                segmentRules[index].merge(rule, from: policy)
            } else {
                segmentRules.append(ACLRule(rule, from: policy))
            }
        } else if rule.isPrefix {
            let key = ByteString(rule.path)
            if prefixes[key] != nil { prefixes[key]?.merge(rule, from: policy) } else { prefixes[key] = ACLRule(rule, from: policy) }
        } else {
            let key = ByteString(rule.path)
            if exact[key] != nil { exact[key]?.merge(rule, from: policy) } else { exact[key] = ACLRule(rule, from: policy) }
        }
    }

    /// The capabilities on `path`, as `sys/capabilities` reports them.
    package func capabilities(on path: String) -> Capabilities {
        if isRoot { return .root }
        return select(path, listing: false).winner?.capabilities ?? []
    }

    /// Whether any rule grants something at or under `prefix` (the KV preflight, §4.13).
    package func grantsAnything(under prefix: String) -> Bool {
        if isRoot { return true }
        let rules = (Array(exact.values) + Array(prefixes.values) + segmentRules).map(\.rule)
        return rules.contains { rule in
            guard !rule.capabilities.contains(.deny), !rule.capabilities.isEmpty else { return false }
            if rule.path.hasBytePrefix(prefix) { return true }
            if rule.isPrefix, prefix.hasBytePrefix(rule.path) { return true }
            return rule.hasSegmentWildcard && SegmentPattern.couldMatch(rule, under: prefix)
        }
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
