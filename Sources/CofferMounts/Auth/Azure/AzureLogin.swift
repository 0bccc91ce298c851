import CofferEncoding
import CofferMountKit
import Foundation

/// `auth/<mount>/login`: a managed identity's access token, verified against
/// the tenant's keys, issuer and the configured audience; the role's identity
/// bindings; then, when the role binds where the identity runs, the VM or
/// scale set the login names, as the resource manager describes it now.
struct AzureLogin {
    let role: AzureRole
    let roleName: String
    let config: AzureConfig
    let derived: AzureMountState.Derived
    let resource: AzureLoginRequest
    let now: Date

    static let algorithms = ["RS256"]

    func decide(jwt: String, clientAddress: String?, mountPath: String) async throws -> LoginDecision<AzureLoginFailure> {
        try await .run { log in
            try checkClientAddress(clientAddress, &log)
            let claims = try await verifiedClaims(jwt, &log)
            let objectID = claims["oid"]?.stringValue ?? ""
            try checkIdentity(objectID: objectID, claims: claims, &log)
            if role.bindsResource {
                try await checkResource(objectID: objectID, claims: claims, &log)
            } else {
                log.skip("resource", expected: "no subscription, resource group, location or scale set bound")
            }
            return auth(objectID: objectID, claims: claims, mountPath: mountPath)
        }
    }

    private func checkClientAddress(_ address: String?, _ log: inout AzureLoginChecks) throws {
        let cidrs = role.token.boundCIDRs
        guard !cidrs.isEmpty else { return log.skip("bound_cidrs") }
        let expected = "an address in \(cidrs.joined(separator: ", "))"
        guard CIDRBlock.anyContains(cidrs, address) else {
            try log.fail("bound_cidrs", expected: expected, actual: address ?? "unknown", .boundCIDRs)
        }
        log.pass("bound_cidrs", expected: expected, actual: address ?? "unknown")
    }

    /// Signature by the tenant's keys, then `iss`, `aud`, `exp` and `nbf`, as
    /// go-oidc's verifier and the plugin check them.
    private func verifiedClaims(_ jwt: String, _ log: inout AzureLoginChecks) async throws -> [String: JSONValue] {
        let token = CompactJWS(jwt)
        guard token.parts.count == 3, let headerBytes = Base64URL.decode(token.parts[0]),
            case .object(let header)? = try? JSONValue.parse(headerBytes), let alg = header["alg"]?.stringValue,
            let payload = Base64URL.decode(token.parts[1]), case .object(let claims)? = try? JSONValue.parse(payload)
        else {
            try log.fail("jws", expected: "a signed JWT", actual: "malformed", .token("oidc: malformed jwt"))
        }
        do {
            try await TokenVerifier.remote(derived.keys).verify(
                token, alg: alg, kid: header["kid"]?.stringValue, allowedAlgs: Self.algorithms)
        } catch {
            let reason = (error as? JWTLoginFailure).map { $0.error.description } ?? "\(error)"
            try log.fail("signature", expected: "signed by a key of tenant \(config.tenantID)", actual: reason, .token(reason))
        }
        log.pass("signature", expected: "signed by a key of tenant \(config.tenantID)", actual: "verified")
        let issuer = claims["iss"]?.stringValue ?? ""
        guard issuer == derived.issuer else {
            try log.fail(
                "iss", expected: derived.issuer, actual: issuer,
                .token("oidc: id token issued by a different provider, expected \"\(derived.issuer)\" got \"\(issuer)\""))
        }
        log.pass("iss", expected: derived.issuer, actual: issuer)
        let audiences: [String] =
            switch claims["aud"] {
            case .string(let one)?: [one]
            case .array(let many)?: many.compactMap(\.stringValue)
            default: []
            }
        guard audiences.contains(config.resource) else {
            try log.fail(
                "aud", expected: config.resource, actual: audiences.joined(separator: ", "),
                .token("oidc: expected audience \"\(config.resource)\" got \(audiences)"))
        }
        log.pass("aud", expected: config.resource, actual: config.resource)
        let nowSeconds = now.timeIntervalSince1970
        guard let exp = Self.seconds(claims["exp"]), exp > nowSeconds else {
            try log.fail("exp", expected: "a time not past", actual: "missing or past", .token("oidc: token is expired"))
        }
        if let nbf = Self.seconds(claims["nbf"]), nbf > nowSeconds {
            try log.fail(
                "nbf", expected: "a time past", actual: "in \(ClaimSeconds.text(nbf - nowSeconds))", .token("token is not yet valid"))
        }
        log.pass("exp", expected: "a time not past", actual: "in \(ClaimSeconds.text(exp - nowSeconds))")
        return claims
    }

    /// `bound_service_principal_ids` (the token's `oid`) and `bound_group_ids`.
    private func checkIdentity(objectID: String, claims: [String: JSONValue], _ log: inout AzureLoginChecks) throws {
        let principals = role.boundServicePrincipalIDs
        let groups = role.boundGroupIDs
        let principalWildcard = principals == ["*"]
        let groupWildcard = groups == ["*"]
        if (principalWildcard && groupWildcard) || (principals.isEmpty && groups.isEmpty) {
            try log.fail(
                "bound_service_principal_ids", expected: "specific ids", actual: "none or \"*\"",
                .binding("expected specific bound_group_ids or bound_service_principal_ids; both cannot be empty or '*'"))
        }
        if !principals.isEmpty, !principalWildcard {
            guard principals.contains(objectID) else {
                try log.fail(
                    "bound_service_principal_ids", expected: "one of \(principals)", actual: objectID,
                    .binding("service principal not authorized: \(objectID)"))
            }
            log.pass("bound_service_principal_ids", expected: "one of \(principals)", actual: objectID)
        }
        if !groups.isEmpty, !groupWildcard {
            let tokenGroups = claims["groups"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard tokenGroups.contains(where: { groups.contains($0) }) else {
                try log.fail(
                    "bound_group_ids", expected: "one of \(groups)", actual: "\(tokenGroups)",
                    .binding("groups not authorized: \(tokenGroups)"))
            }
            log.pass("bound_group_ids", expected: "one of \(groups)", actual: "\(tokenGroups)")
        }
    }

    static func seconds(_ value: JSONValue?) -> TimeInterval? {
        switch value {
        case .int(let number)?: TimeInterval(number)
        case .double(let number)? where number.isFinite: number
        default: nil
        }
    }

    private func auth(objectID: String, claims: [String: JSONValue], mountPath: String) -> MountAuth {
        var metadata = [
            "role": roleName, "resource_group_name": resource.resourceGroup, "subscription_id": resource.subscriptionID,
        ]
        if !resource.vmName.isEmpty { metadata["vm_name"] = resource.vmName }
        if !resource.vmssName.isEmpty { metadata["vmss_name"] = resource.vmssName }
        if let appID = claims["appid"]?.stringValue, !appID.isEmpty { metadata["app_id"] = appID }
        var aliasMetadata = metadata
        aliasMetadata["role"] = nil
        let mountName = mountPath.hasPrefix("auth/") ? String(mountPath.dropFirst(5)) : mountPath
        return MountAuth(
            policies: role.token.policies,
            displayName: mountName.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "-") + objectID,
            metadata: metadata, tokenSettings: role.token, aliasName: objectID, aliasMetadata: aliasMetadata)
    }
}
