/// What the core tells a mount that it lints: where the mount is, its TTL
/// tuning, and a way to ask what a set of policies reaches (the mount cannot
/// see policies).
package struct LintContext: Sendable {
    /// What some policies allow on the paths a CI role is typically given.
    package struct Reach: Sendable, Equatable {
        /// Something is granted under a `production` (or `prod`) segment.
        package var production: Bool
        /// Something is granted under a `staging` (or `stag...`) segment.
        package var staging: Bool

        package init(production: Bool, staging: Bool) {
            self.production = production
            self.staging = staging
        }
    }

    /// The mount's path with `auth/` and a trailing slash (`auth/jwt/`).
    package let mountPath: String
    /// The mount's tuned default and maximum lease TTL, 0 when not tuned.
    package let defaultLeaseTTL: Int64
    package let maxLeaseTTL: Int64
    package let reach: @Sendable ([String]) -> Reach

    package init(mountPath: String, defaultLeaseTTL: Int64, maxLeaseTTL: Int64, reach: @escaping @Sendable ([String]) -> Reach) {
        self.mountPath = mountPath
        self.defaultLeaseTTL = defaultLeaseTTL
        self.maxLeaseTTL = maxLeaseTTL
        self.reach = reach
    }
}

/// A mount's findings, and its roles with their policies so the core can run
/// the checks that need both (one role reaching production and staging).
package struct MountLintReport: Sendable {
    package struct Role: Sendable {
        /// `auth/jwt/role/ci`.
        package let object: String
        package let policies: [String]

        package init(object: String, policies: [String]) {
            self.object = object
            self.policies = policies
        }
    }

    package var findings: [LintFinding]
    package var roles: [Role]

    package init(findings: [LintFinding] = [], roles: [Role] = []) {
        self.findings = findings
        self.roles = roles
    }
}

/// An auth method whose configuration `sys/lint` checks.
package protocol ConfigurationLinting: Mount {
    func lint(_ context: LintContext) async throws -> MountLintReport
}
