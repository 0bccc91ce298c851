import CofferEncoding
import CofferMountKit

/// `sys/explain/request`'s answer: the ACL's own decision on one request (the
/// deciding rule and its policies, the rules it outranked and why, each check),
/// the capabilities on the path, and the smallest policy that would allow the
/// request, as `vault ... -output-policy` prints one. Built from
/// `ACL.decide`'s value; nothing here decides anything.
package struct RequestExplanation: Sendable {
    package let decision: ACLDecision
    /// What `sys/capabilities` reports on the path.
    package let capabilities: Capabilities
    package let policyNames: [String]

    package init(acl: ACL, request: ACLRequest) {
        decision = acl.decide(request)
        capabilities = acl.capabilities(on: request.path)
        policyNames = acl.policyNames
    }

    /// `path "<path>" { capabilities = [...] }` granting the capability the
    /// request needs, with `sudo` on a root-protected path.
    package var minimalPolicy: String {
        var needed = decision.capability
        if RootPaths.needsSudo(decision.path) { needed.insert(.sudo) }
        let names = needed.sortedNames.map { "\"\($0)\"" }.joined(separator: ", ")
        let path = String(decoding: JSONValue.string(decision.path).serialized(), as: UTF8.self)
        return "path \(path) {\n  capabilities = [\(names)]\n}\n"
    }

    package var json: JSONValue {
        let selection = decision.selection
        return [
            "path": .string(decision.path),
            "capability": JSONValue(decision.capability.sortedNames),
            "allowed": .bool(decision.isAllowed),
            "root": .bool(decision.isRoot),
            "policies": JSONValue(policyNames),
            "decided_by": decision.rule.map { Self.json($0, matchedPath: selection?.matchedPath) } ?? .null,
            "deciding_policies": JSONValue(decision.decidingPolicies),
            "outranked": .array(
                (selection?.outranked ?? []).map { lost in
                    var rule = Self.json(lost.rule, matchedPath: nil)
                    if case .object(var members) = rule {
                        members["reason"] = .string(lost.reason.description)
                        rule = .object(members)
                    }
                    return rule
                }),
            "checks": .array(
                decision.checks.map { check in
                    [
                        "name": .string(check.name), "expected": .string(check.expected), "actual": .string(check.actual),
                        "outcome": .string(check.outcome.rawValue),
                    ]
                }),
            "failed_check": decision.failedCheck.map { .string($0.name) } ?? .null,
            "capabilities": JSONValue(capabilities.sortedNames),
            "minimal_policy": .string(minimalPolicy),
        ]
    }

    private static func json(_ rule: ACLRule, matchedPath: String?) -> JSONValue {
        var object: [String: JSONValue] = [
            "rule": .string(rule.pattern), "kind": .string(rule.kind.rawValue), "policies": JSONValue(rule.policies),
            "capabilities": JSONValue(rule.capabilities.sortedNames),
        ]
        if let matchedPath { object["matched_path"] = .string(matchedPath) }
        return .object(object)
    }
}
