import CofferMountKit

extension ACL {
    /// Decides one request: a root token is allowed outright; otherwise the one
    /// governing rule (§5.3) must grant the capability, `sudo` on a root-protected
    /// path, pass the parameter constraints (§5.7) and the wrapping bounds. Stops
    /// at the first failed check, as Vault's ACL does.
    package func decide(_ request: ACLRequest) -> ACLDecision {
        func decision(_ selection: RuleSelection?, _ checks: [ACLDecision.Check]) -> ACLDecision {
            ACLDecision(path: request.path, capability: request.capability, isRoot: isRoot, selection: selection, checks: checks)
        }
        if isRoot {
            return decision(nil, [Self.check("root", "the root policy", "held", .passed)])
        }
        let selection = select(request.path, listing: request.isListing)
        guard let rule = selection.winner else {
            return decision(selection, [Self.check("rule", "a rule matching the path", "none", .failed)])
        }
        var checks = [Self.check("rule", "a rule matching the path", rule.description, .passed)]
        let stages: [(PolicyRule, ACLRequest) -> [ACLDecision.Check]] = [
            Self.capabilityCheck, Self.sudoCheck, ParameterCheck.checks, Self.wrappingChecks,
        ]
        for stage in stages {
            checks += stage(rule.rule, request)
            if checks.last?.outcome == .failed { break }
        }
        return decision(selection, checks)
    }

    /// One check's record, in one line at each call site.
    static func check(_ name: String, _ expected: String, _ actual: String, _ outcome: CheckOutcome) -> ACLDecision.Check {
        ACLDecision.Check(name: name, expected: expected, actual: actual, outcome: outcome)
    }

    /// The rule must grant the capability and not be a deny.
    private static func capabilityCheck(_ rule: PolicyRule, _ request: ACLRequest) -> [ACLDecision.Check] {
        let granted = !rule.capabilities.contains(.deny) && rule.capabilities.contains(request.capability)
        let actual = rule.capabilities.sortedNames.joined(separator: ", ")
        return [check("capability", request.capability.sortedNames.joined(separator: ", "), actual, granted ? .passed : .failed)]
    }

    /// Root-protected paths need `sudo` on top of the operation's capability.
    private static func sudoCheck(_ rule: PolicyRule, _ request: ACLRequest) -> [ACLDecision.Check] {
        guard RootPaths.needsSudo(request.path) else {
            return [check("sudo", "not needed: not a root-protected path", "not checked", .skipped)]
        }
        let granted = rule.capabilities.contains(.sudo)
        return [check("sudo", "sudo on a root-protected path", granted ? "granted" : "not granted", granted ? .passed : .failed)]
    }

    /// `min_wrapping_ttl` / `max_wrapping_ttl`: the request must be wrapped within them.
    private static func wrappingChecks(_ rule: PolicyRule, _ request: ACLRequest) -> [ACLDecision.Check] {
        let bounds = rule.parameters
        guard bounds.minWrappingTTL > 0 || bounds.maxWrappingTTL > 0 else {
            return [check("wrapping", "not required: no wrapping bounds", "not checked", .skipped)]
        }
        guard let ttl = request.wrapTTL else {
            return [check("wrapping", "a wrapped response", "not wrapped", .failed)]
        }
        var checks = [check("wrapping", "a wrapped response", "wrapped for \(ttl)s", .passed)]
        if bounds.minWrappingTTL > 0 {
            let within = ttl >= bounds.minWrappingTTL
            checks.append(check("min_wrapping_ttl", "at least \(bounds.minWrappingTTL)s", "\(ttl)s", within ? .passed : .failed))
            if !within { return checks }
        }
        if bounds.maxWrappingTTL > 0 {
            let within = ttl <= bounds.maxWrappingTTL
            checks.append(check("max_wrapping_ttl", "at most \(bounds.maxWrappingTTL)s", "\(ttl)s", within ? .passed : .failed))
        }
        return checks
    }
}
