import CofferMountKit

/// What the ACL decided about one request, and why: the rule selection (the
/// governing rule, its policies, the rules it outranked) and each check run
/// against that rule. `coffer explain` prints this value; the pipeline turns a
/// denial into `permission denied`.
///
/// It holds no parameter values, only key names: values may be secrets.
package struct ACLDecision: Sendable, Equatable {
    /// One check against the governing rule.
    package struct Check: Sendable, Equatable, CustomStringConvertible {
        /// `rule`, `capability`, `sudo`, `required_parameters`, `denied_parameters`,
        /// `allowed_parameters`, `wrapping`, `min_wrapping_ttl` or `max_wrapping_ttl`.
        package let name: String
        package let expected: String
        package let actual: String
        package let outcome: CheckOutcome

        package var description: String { "\(name): \(outcome) (expected \(expected), got \(actual))" }
    }

    package let path: String
    /// The capability the operation needs.
    package let capability: Capabilities
    /// The token holds `root`: allowed with no rule consulted.
    package let isRoot: Bool
    /// nil for a root token, whose rules are never consulted.
    package let selection: RuleSelection?
    /// In the order run; the first failure ends the list.
    package let checks: [Check]

    package var isAllowed: Bool { !checks.contains { $0.outcome == .failed } }

    /// The rule that governed the request, if one matched.
    package var rule: ACLRule? { selection?.winner }

    /// The policies that decided: those that wrote the governing rule, or `root`.
    package var decidingPolicies: [String] { isRoot ? ["root"] : rule?.policies ?? [] }

    /// The check that denied the request, if one did.
    package var failedCheck: Check? { checks.first { $0.outcome == .failed } }
}
