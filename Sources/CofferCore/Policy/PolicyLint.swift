import CofferEncoding
import CofferMountKit
import Foundation

/// The lint checks that need the core's view: policies against the mount
/// table, and what a role's policies reach. Reach is asked of the ACL itself
/// (`capabilities(on:)`), so a deny on staging counts as Vault applies it.
enum PolicyLint {
    /// What `names` allow under production and staging paths: each rule path of
    /// the policies that names an environment, and each prefix rule continued
    /// with one, is probed through the merged ACL.
    static func reach(_ names: [String], store: PolicyStore) -> LintContext.Reach {
        let acl = store.acl(for: names)
        if acl.isRoot { return LintContext.Reach(production: true, staging: true) }
        var probes: [String] = []
        for name in names {
            // Only secrets count: the cubbyhole is each token's own, and sys/, auth/
            // and identity/ hold no environment's secrets (the default policy's
            // `cubbyhole/*` and `sys/tools/hash/*` would otherwise reach both).
            for rule in store.get(name)?.policy.rules ?? [] where !nonSecretPrefixes.contains(where: { rule.path.hasBytePrefix($0) }) {
                let path = rule.path.split(separator: "/", omittingEmptySubsequences: false)
                    .map { $0 == "+" ? "lint-probe" : String($0) }.joined(separator: "/")
                probes.append(rule.isPrefix ? path + "lint-probe" : path)
                let named = path.split(separator: "/").contains { isProduction($0) || isStaging($0) }
                if rule.isPrefix, !named, path.isEmpty || path.hasSuffix("/") {
                    probes += ["production/lint-probe", "staging/lint-probe"].map { path + $0 }
                }
            }
        }
        // A probe counts for one environment only when it names that one alone.
        func granted(_ environment: (Substring) -> Bool, not other: (Substring) -> Bool) -> Bool {
            probes.contains { probe in
                let segments = probe.split(separator: "/")
                let capabilities = acl.capabilities(on: probe)
                return segments.contains(where: environment) && !segments.contains(where: other) && !capabilities.isEmpty
                    && !capabilities.contains(.deny)
            }
        }
        return LintContext.Reach(
            production: granted(isProduction, not: isStaging), staging: granted(isStaging, not: isProduction))
    }

    private static let nonSecretPrefixes = ["cubbyhole/", "sys/", "auth/", "identity/"]

    static func isStaging(_ segment: Substring) -> Bool {
        segment.hasPrefix("stag")
    }

    static func isProduction(_ segment: Substring) -> Bool {
        segment == "prod" || segment.hasPrefix("production") || segment.hasPrefix("prod-") || segment.hasPrefix("prod_")
    }

    /// A prefix rule that covers a whole mount (`secret/*`, `*`, `sec*`) and
    /// grants anything: every secret of the mount, present and future. The
    /// cubbyhole is each token's own, and the default policy grants it whole.
    static func wholeMountFindings(_ policies: [Policy], mounts: [String]) -> [LintFinding] {
        var findings: [LintFinding] = []
        for policy in policies {
            for rule in policy.rules where rule.isPrefix && !rule.capabilities.contains(.deny) && !rule.capabilities.isEmpty {
                let covered = mounts.filter { $0 != "cubbyhole/" && $0.hasBytePrefix(rule.path) }
                guard !covered.isEmpty else { continue }
                let object = "sys/policies/acl/\(policy.name)"
                let sudo = rule.capabilities.contains(.sudo) ? ", sudo included" : ""
                findings.append(
                    LintFinding(
                        .policyWholeMount, object: object,
                        why: "path \"\(rule.pattern)\" grants \(rule.capabilities.sortedNames.joined(separator: ", "))\(sudo) on every "
                            + "path of \(covered.joined(separator: ", ")): a CI token should reach only the secrets its job reads.",
                        fix: "coffer policy read \(policy.name) > \(policy.name).hcl && $EDITOR \(policy.name).hcl "
                            + "&& coffer policy write \(policy.name) \(policy.name).hcl  # narrow \"\(rule.pattern)\" to the job's paths"))
            }
        }
        return findings
    }

    static func productionAndStaging(_ roles: [MountLintReport.Role], store: PolicyStore) -> [LintFinding] {
        roles.compactMap { role in
            let reach = reach(role.policies, store: store)
            guard reach.production, reach.staging else { return nil }
            return LintFinding(
                .roleReachesProductionAndStaging, object: role.object,
                why: "its policies (\(role.policies.joined(separator: ", "))) grant paths under both production and staging: "
                    + "a staging job, or anyone who can run one, gets production secrets.",
                fix: "coffer policy write <policy> <file>  # grant production only, and add path \"<mount>/data/ci/staging/*\" "
                    + "{ capabilities = [\"deny\"] }, or give staging jobs a role of their own")
        }
    }

    /// Root tokens more than a day old: a root token is for emergencies and
    /// set-up, and should be revoked once used (the guide's advice).
    static func oldRootTokens(_ entries: [TokenEntry], now: Date) -> [LintFinding] {
        entries.filter { $0.isRoot && !$0.isExpired(at: now) && now.timeIntervalSince($0.creationTime) > 86_400 }
            .sorted { $0.accessor < $1.accessor }
            .map { entry in
                let days = Int64(saturating: (now.timeIntervalSince(entry.creationTime) / 86_400).rounded(.down))
                return LintFinding(
                    .rootTokenOld, object: "auth/token/accessors/\(entry.accessor)",
                    why: "a root token made \(days) day\(days == 1 ? "" : "s") ago is still live; whoever holds it can do anything.",
                    fix: "coffer token revoke -accessor \(entry.accessor)")
            }
    }

    static let noAuditDevice = LintFinding(
        .noAuditDevice, object: "sys/audit",
        why: "no audit device is enabled: nothing records which job read which secret, or which logins were refused and why.",
        fix: "coffer audit enable file file_path=/var/log/coffer/audit.log")
}
