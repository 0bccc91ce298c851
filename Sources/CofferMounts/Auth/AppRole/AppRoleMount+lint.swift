import CofferMountKit

extension AppRoleMount: ConfigurationLinting {
    /// The guide's advice for AppRole runners: secret IDs that are single-use (or
    /// few-use) and short-lived, and short CI tokens.
    package func lint(_ context: LintContext) async throws -> MountLintReport {
        var report = MountLintReport()
        for name in try await storage.list("role/") where !name.hasSuffix("/") {
            guard let role = try await loadRole(name) else { continue }
            let object = "\(context.mountPath)role/\(name)"
            let fix = { (change: String) in "coffer write \(object) \(change)" }
            if role.bindSecretID, role.secretIDNumUses == 0 || role.secretIDTTL == 0 {
                let missing = [role.secretIDNumUses == 0 ? "secret_id_num_uses" : nil, role.secretIDTTL == 0 ? "secret_id_ttl" : nil]
                    .compactMap { $0 }.joined(separator: " and ")
                report.findings.append(
                    LintFinding(
                        .appRoleSecretIDUnbounded, object: object,
                        why: "\(missing) unset: a secret ID copied from a runner keeps logging in, as often and as long as "
                            + "anyone likes; the guide's are single-use and expire in minutes.",
                        fix: fix("secret_id_num_uses=1 secret_id_ttl=10m")))
            }
            report.findings += role.token.lintFindings(object: object, context: context, fix: fix)
            report.roles.append(MountLintReport.Role(object: object, policies: role.token.policies))
        }
        return report
    }
}
