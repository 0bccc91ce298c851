/// How much a lint finding matters: `high` lets tokens reach what they should
/// not, `medium` weakens a defence, `low` is a deviation from the guide's shape.
package enum LintSeverity: String, Sendable, Comparable, CaseIterable {
    case low, medium, high

    package static func < (a: LintSeverity, b: LintSeverity) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// Every check of `coffer lint` / `sys/lint`: the guide's security advice for
/// CI secrets, one id each (what `--ignore` names and SARIF's `ruleId`).
package enum LintRule: String, Sendable, CaseIterable {
    case jwtRoleAudienceOnly = "jwt-role-audience-only"
    case jwtRoleNoProjectID = "jwt-role-no-project-id"
    case jwtRoleNoContextIDs = "jwt-role-no-context-ids"
    case jwtRoleNoVCSOrigin = "jwt-role-no-vcs-origin"
    case jwtNoBoundIssuer = "jwt-no-bound-issuer"
    case jwtDiscoveryURLShape = "jwt-discovery-url-shape"
    case jwtAudienceNotOrg = "jwt-audience-not-org"
    case jwtClockSkewLeewayOff = "jwt-clock-skew-leeway-off"
    case tokenTTLOverOneHour = "token-ttl-over-1h"
    case tokenMaxTTLUnbounded = "token-max-ttl-unbounded"
    case policyWholeMount = "policy-whole-mount"
    case roleReachesProductionAndStaging = "role-reaches-production-and-staging"
    case appRoleSecretIDUnbounded = "approle-secret-id-unbounded"
    case noAuditDevice = "no-audit-device"
    case rootTokenOld = "root-token-old"

    package var severity: LintSeverity {
        switch self {
        case .jwtRoleAudienceOnly, .jwtRoleNoProjectID, .policyWholeMount, .roleReachesProductionAndStaging, .noAuditDevice,
            .rootTokenOld:
            .high
        case .jwtRoleNoContextIDs, .jwtRoleNoVCSOrigin, .jwtNoBoundIssuer, .tokenTTLOverOneHour, .tokenMaxTTLUnbounded,
            .appRoleSecretIDUnbounded:
            .medium
        case .jwtDiscoveryURLShape, .jwtAudienceNotOrg, .jwtClockSkewLeewayOff: .low
        }
    }

    /// What the check looks for, in a line (SARIF's short description).
    package var title: String {
        switch self {
        case .jwtRoleAudienceOnly: "JWT role bound to nothing but the audience"
        case .jwtRoleNoProjectID: "CircleCI role without a project-id binding"
        case .jwtRoleNoContextIDs: "production role without a context-ids binding"
        case .jwtRoleNoVCSOrigin: "role that fork builds could log in with (no vcs-origin binding)"
        case .jwtNoBoundIssuer: "JWT mount with no bound_issuer"
        case .jwtDiscoveryURLShape: "CircleCI discovery URL not https://oidc.circleci.com/org/<org-id>"
        case .jwtAudienceNotOrg: "CircleCI role whose audience is not the org id"
        case .jwtClockSkewLeewayOff: "clock_skew_leeway turned off"
        case .tokenTTLOverOneHour: "CI token TTL over one hour"
        case .tokenMaxTTLUnbounded: "token_max_ttl unbounded"
        case .policyWholeMount: "policy granting a whole mount"
        case .roleReachesProductionAndStaging: "one role reaching both production and staging"
        case .appRoleSecretIDUnbounded: "AppRole secret IDs without num_uses or TTL"
        case .noAuditDevice: "no audit device enabled"
        case .rootTokenOld: "root token older than a day"
        }
    }
}

/// One thing in the live configuration that breaks the guide's advice.
package struct LintFinding: Sendable, Equatable {
    package let rule: LintRule
    /// The object at fault, as an API path (`auth/jwt/role/ci`, `sys/policies/acl/ci`).
    package let object: String
    /// Why it matters, for this object.
    package let why: String
    /// The command that fixes it.
    package let fix: String

    package init(_ rule: LintRule, object: String, why: String, fix: String) {
        self.rule = rule
        self.object = object
        self.why = why
        self.fix = fix
    }
}
