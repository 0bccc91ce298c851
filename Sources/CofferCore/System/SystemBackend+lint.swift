import CofferEncoding
import CofferMountKit

extension SystemBackend {
    /// `sys/lint`: every auth method's checks, then the core's (policies, audit
    /// devices, root tokens). `ignore` (a list of check ids) drops findings.
    func lint(_ call: BackendCall) async throws -> Response {
        let ignored = Set(try RequestFields(call.request.data).stringList("ignore") ?? [])
        for id in ignored where LintRule(rawValue: id) == nil {
            throw CoreError.badRequest("unknown lint check \"\(id)\"")
        }
        var findings: [LintFinding] = []
        var roles: [MountLintReport.Role] = []
        let store = policies
        for mount in router.all where mount.entry.table == .auth {
            guard case .plugin(let handler) = mount.handler, let method = handler as? any ConfigurationLinting else { continue }
            let context = LintContext(
                mountPath: mount.entry.routePath, defaultLeaseTTL: mount.entry.config.defaultLeaseTTL,
                maxLeaseTTL: mount.entry.config.maxLeaseTTL, reach: { PolicyLint.reach($0, store: store) })
            let report = try await method.lint(context)
            findings += report.findings
            roles += report.roles
        }
        findings += PolicyLint.productionAndStaging(roles, store: store)
        let written = store.names().filter { $0 != "root" }.compactMap { store.get($0)?.policy }
        findings += PolicyLint.wholeMountFindings(written, mounts: router.all.map(\.entry.routePath))
        if audit.entries.isEmpty { findings.append(PolicyLint.noAuditDevice) }
        findings += PolicyLint.oldRootTokens(try await tokens.allEntries(), now: tokens.clock())
        findings.removeAll { ignored.contains($0.rule.rawValue) }
        let data: JSONValue = [
            "findings": .array(findings.map(Self.json)),
            "checks": .array(
                LintRule.allCases.map { rule in
                    ["id": .string(rule.rawValue), "severity": .string(rule.severity.rawValue), "title": .string(rule.title)]
                }),
        ]
        return .logical(LogicalResponse(requestID: call.request.id, data: data))
    }

    private static func json(_ finding: LintFinding) -> JSONValue {
        [
            "id": .string(finding.rule.rawValue), "severity": .string(finding.rule.severity.rawValue),
            "title": .string(finding.rule.title), "object": .string(finding.object), "why": .string(finding.why),
            "fix": .string(finding.fix),
        ]
    }
}
