import CofferEncoding
import CofferMountKit
import Foundation

extension JWTAuthMount: ConfigurationLinting {
    /// The guide's advice for a CircleCI (or any OIDC) mount: the issuer pinned,
    /// and each role bound to one project, its contexts and its repository.
    package func lint(_ context: LintContext) async throws -> MountLintReport {
        var report = MountLintReport()
        let config = try await state.currentConfig()
        var roles: [(name: String, role: JWTRole)] = []
        for name in try await storage.list("role/") where !name.hasSuffix("/") {
            if let role = try await state.role(name) { roles.append((name, role)) }
        }
        let circleCI = JWTLint.isCircleCI(config, roles.map { $0.role })
        if let config {
            report.findings += JWTLint.configFindings(config, circleCI: circleCI, mountPath: context.mountPath)
        }
        let org = config.flatMap { JWTLint.orgID($0) }
        for (name, role) in roles where role.roleType == "jwt" {
            let object = "\(context.mountPath)role/\(name)"
            let lint = JWTLint(object: object, role: role, circleCI: circleCI)
            report.findings += lint.bindingFindings(production: name.contains("prod") || context.reach(role.token.policies).production)
            report.findings += lint.settingFindings(org: org)
            report.findings += role.token.lintFindings(object: object, context: context, fix: lint.fix)
            report.roles.append(MountLintReport.Role(object: object, policies: role.token.policies))
        }
        return report
    }
}

/// The JWT checks of `sys/lint` over one role, and over the mount's config.
struct JWTLint {
    static let projectID = "oidc.circleci.com/project-id"
    static let contextIDs = "oidc.circleci.com/context-ids"
    static let vcsOrigin = "oidc.circleci.com/vcs-origin"
    static let vcsRef = "oidc.circleci.com/vcs-ref"

    let object: String
    let role: JWTRole
    let circleCI: Bool

    /// A role update that keeps every other field: a role write resets
    /// `role_type` and `bound_claims_type` when they are not sent (spec §2.3).
    func fix(_ change: String) -> String {
        let edit = change.split(separator: " ").map { pair -> String in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? ".\(parts[0]) = \"\(parts[1])\"" : String(pair)
        }.joined(separator: " | ")
        return "coffer read -format=json \(object) | jq '.data | \(edit)' | coffer write \(object) -"
    }

    private func addClaim(_ claim: String, _ value: String) -> String {
        "coffer read -format=json \(object) | jq '.data | .bound_claims[\"\(claim)\"] = \(value)' | coffer write \(object) -"
    }

    private var bound: [String: JSONValue] { role.boundClaims ?? [:] }

    /// A role bound to nothing but the audience lets in every project of the org;
    /// the CircleCI checks below only make sense once it is bound at all.
    func bindingFindings(production: Bool) -> [LintFinding] {
        guard !bound.isEmpty || !role.boundSubject.isEmpty else {
            return [
                LintFinding(
                    .jwtRoleAudienceOnly, object: object,
                    why: "no bound_claims and no bound_subject: any job of any project in the organization gets this role's token.",
                    fix: addClaim(Self.projectID, "\"<project-id>\""))
            ]
        }
        guard circleCI else { return [] }
        var findings: [LintFinding] = []
        if bound[Self.projectID] == nil, !role.boundSubject.contains("/project/") {
            findings.append(
                LintFinding(
                    .jwtRoleNoProjectID, object: object,
                    why: "no \(Self.projectID) binding: jobs of every project of the organization match the other bindings.",
                    fix: addClaim(Self.projectID, "\"<project-id>\"")))
        }
        if production, bound[Self.contextIDs] == nil {
            findings.append(
                LintFinding(
                    .jwtRoleNoContextIDs, object: object,
                    why: "a production role without a \(Self.contextIDs) binding: any job of the project, not only those the "
                        + "restricted production context admits, gets production secrets.",
                    fix: addClaim(Self.contextIDs, "[\"<context-id>\"]")))
        }
        if bound[Self.vcsOrigin] == nil, forksCouldMatch {
            findings.append(
                LintFinding(
                    .jwtRoleNoVCSOrigin, object: object,
                    why: "no \(Self.vcsOrigin) binding and no \(Self.vcsRef) binding that excludes pull-request refs: "
                        + "a build of a fork (its vcs-origin is the fork's) can log in when forks are passed secrets.",
                    fix: addClaim(Self.vcsOrigin, "\"github.com/<org>/<repo>\"")))
        }
        return findings
    }

    /// Whether a fork's build (`vcs-ref` `refs/heads/pull/<n>`) can pass the role's vcs-ref binding.
    private var forksCouldMatch: Bool {
        guard let refs = bound[Self.vcsRef] else { return true }
        let glob = role.boundClaimsType == "glob"
        return (refs.arrayValue ?? [refs]).contains { value in
            guard let text = value.stringValue else { return false }
            return glob ? BoundClaims.globMatch(text, "refs/heads/pull/1") : text.hasPrefix("refs/heads/pull/")
        }
    }

    /// The leeway and audience settings.
    func settingFindings(org: String?) -> [LintFinding] {
        var findings: [LintFinding] = []
        if role.clockSkewLeeway < 0 {
            findings.append(
                LintFinding(
                    .jwtClockSkewLeewayOff, object: object,
                    why: "clock_skew_leeway is \(role.clockSkewLeeway): a runner clock a second off refuses fresh tokens "
                        + "(\"token not yet valid\"), so jobs fail at random.",
                    fix: fix("clock_skew_leeway=60")))
        }
        if circleCI, let org, let audiences = role.boundAudiences, !audiences.isEmpty, !audiences.contains(org) {
            findings.append(
                LintFinding(
                    .jwtAudienceNotOrg, object: object,
                    why: "bound_audiences \(audiences) does not hold the organization id \(org), the audience of CircleCI's tokens.",
                    fix: "coffer read -format=json \(object) | jq '.data | .bound_audiences = [\"\(org)\"]' | coffer write \(object) -"))
        }
        return findings
    }

    /// A mount is CircleCI's when its issuer is, or when its roles bind CircleCI claims.
    static func isCircleCI(_ config: JWTConfig?, _ roles: [JWTRole]) -> Bool {
        if let config, (config.oidcDiscoveryURL + " " + config.boundIssuer).contains("oidc.circleci.com") { return true }
        return roles.contains { ($0.boundClaims ?? [:]).keys.contains { $0.hasPrefix("oidc.circleci.com/") } }
    }

    /// The organization id in `https://oidc.circleci.com/org/<org-id>`, if the URL has that shape.
    static func orgID(_ config: JWTConfig) -> String? {
        orgID(config.oidcDiscoveryURL) ?? orgID(config.boundIssuer)
    }

    static func orgID(_ url: String) -> String? {
        let prefix = "https://oidc.circleci.com/org/"
        guard url.hasPrefix(prefix) else { return nil }
        let id = String(url.dropFirst(prefix.count))
        return UUID(uuidString: id) != nil && id == id.lowercased() ? id : nil
    }

    static func configFindings(_ config: JWTConfig, circleCI: Bool, mountPath: String) -> [LintFinding] {
        var findings: [LintFinding] = []
        let object = mountPath + "config"
        let expected = "https://oidc.circleci.com/org/<org-id>"
        let url = config.oidcDiscoveryURL.isEmpty ? expected : config.oidcDiscoveryURL
        if config.boundIssuer.isEmpty {
            findings.append(
                LintFinding(
                    .jwtNoBoundIssuer, object: object,
                    why: "bound_issuer is empty, so the iss claim is not checked at all, even with discovery (spec §6.6).",
                    fix: "coffer write \(object) oidc_discovery_url=\(url) bound_issuer=\(url)"))
        }
        if circleCI, orgID(config.oidcDiscoveryURL) == nil {
            let shown = config.oidcDiscoveryURL.isEmpty ? "a JWKS URL or static keys" : "\"\(config.oidcDiscoveryURL)\""
            findings.append(
                LintFinding(
                    .jwtDiscoveryURLShape, object: object,
                    why: "the key source is \(shown), not \(expected): tokens of one organization must come from its own "
                        + "issuer (on CircleCI Server, https://<host>/org/<org-id> is right: ignore this check).",
                    fix: "coffer write \(object) oidc_discovery_url=\(expected) bound_issuer=\(expected)"))
        }
        return findings
    }
}
