import CofferEncoding
import CofferMountKit
import Foundation

/// `auth/<mount>/login`: the JWT's signature (Google's OAuth2 keys for an
/// instance identity token, the service account's published keys for a
/// service-account JWT), its claims, then the role's bindings, checked against
/// what Google's IAM and Compute APIs say now. Decides; mints nothing.
struct GCPLogin {
    let role: GCPRole
    let roleName: String
    let derived: GCPMountState.Derived
    let config: GCPConfig
    let now: Date

    /// The algorithms Google signs these tokens with.
    static let algorithms = ["RS256"]
    /// Vault's absolute ceiling on any token's `exp`, and its clock leeway.
    static let maximumLifetime: TimeInterval = 3600
    static let leeway: TimeInterval = 60

    func decide(jwt: String, clientAddress: String?, mountPath: String) async throws -> LoginDecision<GCPLoginFailure> {
        try await .run { log in
            try checkClientAddress(clientAddress, &log)
            let token = CompactJWS(jwt)
            let (alg, kid, claims) = try parse(token, &log)
            let instance = Self.instanceClaims(claims)
            try await verifySignature(token, alg: alg, kid: kid, subject: claims["sub"]?.stringValue ?? "", gce: instance != nil, &log)
            try checkClaims(claims, &log)
            let subject = claims["sub"]?.stringValue ?? ""
            switch role.type {
            case .iam:
                return try await iamLogin(subject: subject, claims: claims, instance: instance, mountPath: mountPath, &log)
            case .gce:
                guard let instance else {
                    try log.fail(
                        "google.compute_engine", expected: "the claims of a GCE instance identity token", actual: "missing",
                        .token("expected JWT to have claims with GCE metadata"))
                }
                return try await gceLogin(subject: subject, instance: instance, mountPath: mountPath, &log)
            }
        }
    }

    private func checkClientAddress(_ address: String?, _ log: inout GCPLoginChecks) throws {
        let cidrs = role.token.boundCIDRs
        guard !cidrs.isEmpty else { return log.skip("bound_cidrs") }
        let expected = "an address in \(cidrs.joined(separator: ", "))"
        guard CIDRBlock.anyContains(cidrs, address) else {
            try log.fail("bound_cidrs", expected: expected, actual: address ?? "unknown", .boundCIDRs)
        }
        log.pass("bound_cidrs", expected: expected, actual: address ?? "unknown")
    }

    private func parse(_ token: CompactJWS, _ log: inout GCPLoginChecks) throws -> (String, String, [String: JSONValue]) {
        let expected = "an RS256 JWS with a kid"
        guard token.parts.count == 3, let headerBytes = Base64URL.decode(token.parts[0]),
            case .object(let header)? = try? JSONValue.parse(headerBytes), let alg = header["alg"]?.stringValue,
            Self.algorithms.contains(alg), let payload = Base64URL.decode(token.parts[1]),
            case .object(let claims)? = try? JSONValue.parse(payload)
        else {
            try log.fail(
                "jws", expected: expected, actual: "malformed", .token("unable to parse signed JWT: malformed or unsupported algorithm"))
        }
        guard let kid = header["kid"]?.stringValue, !kid.isEmpty else {
            try log.fail("jws", expected: expected, actual: "no kid", .token("provided JWT must have 'kid' header value"))
        }
        log.pass("jws", expected: expected, actual: "alg \(alg), kid \(kid)")
        return (alg, kid, claims)
    }

    /// An instance token is Google's (its OAuth2 keys); any other is the
    /// service account's own, checked against the keys Google publishes for it.
    private func verifySignature(
        _ token: CompactJWS, alg: String, kid: String, subject: String, gce: Bool, _ log: inout GCPLoginChecks
    ) async throws {
        let expected = gce ? "signed by a Google OAuth2 key" : "signed by a published key of service account \(subject)"
        let keySet: RemoteKeySet
        if gce {
            keySet = derived.googleKeys
        } else {
            guard Self.isAccountName(subject) else {
                try log.fail(
                    "signature", expected: expected, actual: "sub is not a service account email or ID",
                    .token("expected JWT to have 'sub' claim with service account id or email"))
            }
            keySet = derived.keys(of: subject)
        }
        do {
            try await TokenVerifier.remote(keySet).verify(token, alg: alg, kid: kid, allowedAlgs: Self.algorithms)
        } catch {
            let reason = (error as? JWTLoginFailure).map { "\($0.error.description)" } ?? "\(error)"
            try log.fail(
                "signature", expected: expected, actual: reason,
                .token("unable to get public key for signed JWT: key \"\(kid)\" for JWT subject \"\(subject)\" did not verify it"))
        }
        log.pass("signature", expected: expected, actual: "verified")
    }

    /// `exp` present, not past, within Vault's hour; a subject; every `aud`
    /// ending in `vault/<role>`.
    private func checkClaims(_ claims: [String: JSONValue], _ log: inout GCPLoginChecks) throws {
        guard let exp = Self.seconds(claims["exp"]), exp >= now.timeIntervalSince1970 - Self.leeway else {
            try log.fail(
                "exp", expected: "a time not past", actual: "missing or past",
                .token("JWT is expired or does not have proper 'exp' claim"))
        }
        let expiresIn = exp - now.timeIntervalSince1970
        guard expiresIn <= Self.maximumLifetime + Self.leeway else {
            try log.fail(
                "exp", expected: "within 60 minutes", actual: "in \(ClaimSeconds.text(expiresIn))",
                .token("JWT must expire in 60 minutes, expires in \(ClaimSeconds.text(expiresIn))"))
        }
        log.pass("exp", expected: "within 60 minutes", actual: "in \(ClaimSeconds.text(expiresIn))")
        let suffix = "vault/\(roleName)"
        let audiences: [String] =
            switch claims["aud"] {
            case .string(let one)?: [one]
            case .array(let many)?: many.compactMap(\.stringValue)
            default: []
            }
        guard !audiences.isEmpty, audiences.allSatisfy({ $0.hasSuffix(suffix) }) else {
            try log.fail(
                "aud", expected: "ends in \(suffix)", actual: audiences.joined(separator: ", "),
                .token("at least one of the JWT claim 'aud' must end in \"\(suffix)\""))
        }
        log.pass("aud", expected: "ends in \(suffix)", actual: audiences.joined(separator: ", "))
    }

    // MARK: iam

    private func iamLogin(
        subject: String, claims: [String: JSONValue], instance: InstanceClaims?, mountPath: String, _ log: inout GCPLoginChecks
    ) async throws -> MountAuth {
        if instance != nil {
            guard role.allowGCEInference else {
                try log.fail(
                    "allow_gce_inference", expected: "true for a GCE token", actual: "false",
                    .binding("Got GCE token but IAM role \"\(roleName)\" does not allow GCE inference"))
            }
        } else {
            let exp = Self.seconds(claims["exp"]) ?? 0
            let limit = now.timeIntervalSince1970 + TimeInterval(role.maxJWTExp)
            guard exp <= limit else {
                try log.fail(
                    "max_jwt_exp", expected: "exp within \(role.maxJWTExp)s",
                    actual: "in \(ClaimSeconds.text(exp - now.timeIntervalSince1970))",
                    .token("role requires that service account JWTs expire within \(role.maxJWTExp) seconds"))
            }
            log.pass(
                "max_jwt_exp", expected: "exp within \(role.maxJWTExp)s", actual: "in \(ClaimSeconds.text(exp - now.timeIntervalSince1970))"
            )
        }
        let account = try await serviceAccount(subject, &log)
        if !role.boundProjects.isEmpty {
            guard role.boundProjects.contains(account.projectID) else {
                try log.fail(
                    "bound_projects", expected: "one of \(role.boundProjects)", actual: account.projectID,
                    .binding("service account \(account.email) does not belong to project \(account.projectID)"))
            }
            log.pass("bound_projects", expected: "one of \(role.boundProjects)", actual: account.projectID)
        }
        try checkServiceAccount(account, &log)
        return auth(
            displayName: account.email, mountPath: mountPath,
            metadata: [
                "project_id": account.projectID, "role": roleName, "service_account_id": account.uniqueID,
                "service_account_email": account.email,
            ])
    }

    struct ServiceAccount {
        let email: String
        let uniqueID: String
        let projectID: String
    }

    /// The service account as IAM has it now (a deleted account logs in no more).
    func serviceAccount(_ subject: String, _ log: inout GCPLoginChecks) async throws -> ServiceAccount {
        let url = config.iamBase + "/v1/projects/-/serviceAccounts/" + subject
        do throws(GoogleAPIClient.Failure) {
            let object = try await derived.client.authorizedJSON(url)
            guard let email = object["email"]?.stringValue, let id = object["uniqueId"]?.stringValue else {
                throw GoogleAPIClient.Failure(description: "the service account answer has no email and uniqueId")
            }
            let account = ServiceAccount(email: email, uniqueID: id, projectID: object["projectId"]?.stringValue ?? "")
            log.pass("service_account", expected: "known to IAM", actual: "\(email) (id \(id))")
            return account
        } catch let failure {
            try log.fail(
                "service_account", expected: "known to IAM", actual: failure.description,
                .lookup("could not find service account \"\(subject)\": \(failure.notFound ? "not found" : "lookup failed")"))
        }
    }

    func checkServiceAccount(_ account: ServiceAccount, _ log: inout GCPLoginChecks) throws {
        let bound = role.boundServiceAccounts
        guard !bound.isEmpty else { return log.skip("bound_service_accounts") }
        let expected = "one of \(bound)"
        guard bound == ["*"] || bound.contains(account.email) || bound.contains(account.uniqueID) else {
            try log.fail(
                "bound_service_accounts", expected: expected, actual: account.email,
                .binding("service account \(account.email) (id: \(account.uniqueID)) is not authorized for role"))
        }
        log.pass("bound_service_accounts", expected: expected, actual: account.email)
    }

    // MARK: the token

    func auth(displayName: String, mountPath: String, metadata: [String: String]) -> MountAuth {
        let mountName = mountPath.hasPrefix("auth/") ? String(mountPath.dropFirst(5)) : mountPath
        return MountAuth(
            policies: role.token.policies,
            displayName: mountName.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "-") + displayName,
            metadata: metadata, tokenSettings: role.token, aliasName: role.roleID, aliasMetadata: metadata)
    }
}
