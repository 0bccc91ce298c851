/// One rule of a merged ACL: a policy rule and every policy that wrote that
/// rule string (spec/jwt-auth.md §5.4), so that a decision can name them.
package struct ACLRule: Sendable, Equatable, CustomStringConvertible {
    /// The three rule sets of §5.3, which are consulted differently.
    package enum Kind: String, Sendable, Equatable {
        case exact
        /// Ends in `*`, with no `+` segment.
        case prefix
        /// Has a `+` segment (and may end in `*`).
        case segmentWildcard = "segment-wildcard"
    }

    package private(set) var rule: PolicyRule
    package let kind: Kind
    /// The policies that wrote this rule string, in the token's order.
    package private(set) var policies: [String]

    init(_ rule: PolicyRule, from policy: String) {
        self.rule = rule
        self.kind = rule.hasSegmentWildcard ? .segmentWildcard : rule.isPrefix ? .prefix : .exact
        self.policies = [policy]
    }

    /// The text as written, with the trailing `*` back.
    package var pattern: String { rule.pattern }
    package var capabilities: Capabilities { rule.capabilities }
    package var parameters: ParameterConstraints { rule.parameters }

    package var description: String {
        "\"\(pattern)\" (\(kind.rawValue)) from \(policies.joined(separator: ", "))"
    }

    /// Merging a second grant on the same rule string: deny on either side makes
    /// the merge deny, with no parameter constraints; otherwise capabilities are
    /// joined and constraints merged.
    mutating func merge(_ other: PolicyRule, from policy: String) {
        if !policies.contains(policy) { policies.append(policy) }
        if rule.capabilities.contains(.deny) || other.capabilities.contains(.deny) {
            rule.capabilities = .deny
            rule.parameters = ParameterConstraints()
            return
        }
        rule.capabilities.formUnion(other.capabilities)
        rule.parameters = ParameterConstraints.merge(rule.parameters, other.parameters)
    }
}
