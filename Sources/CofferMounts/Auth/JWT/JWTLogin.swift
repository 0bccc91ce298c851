import CofferEncoding
import CofferMountKit
import Foundation

/// `auth/<mount>/login`: the checks in OpenBao's order (spec/jwt-auth.md §3.2),
/// decided into a `LoginDecision` that lists each one. Decides what token to
/// mint; mints nothing.
struct JWTLogin {
    let config: JWTConfig
    let role: JWTRole
    let roleName: String
    let verifier: TokenVerifier
    let now: Date

    /// Every check from the client address to `bound_claims`, stopping at the
    /// first that fails. Throws only what is no decision (none today: key set
    /// problems are a failed `signature` check, as OpenBao reports them).
    /// `explaining`: keep the passed checks too (see `LoginDecision.Builder`).
    func decide(jwt: String, clientAddress: String?, mountPath: String, explaining: Bool = true) async throws -> LoginDecision<
        JWTLoginFailure
    > {
        try await .run(explaining: explaining) { log in
            try checkClientAddress(clientAddress, &log)
            let claims = try await verifiedClaims(jwt, &log)
            try checkRegisteredClaims(claims, &log)
            let alias = try userClaim(claims, &log)
            let metadata = try mappedClaims(claims, &log)
            let groups = try checkGroups(claims, &log)
            if let bound = role.boundClaims, !bound.isEmpty {
                try BoundClaims.check(bound, claims: claims, glob: role.boundClaimsType == "glob", into: &log)
            } else {
                log.skip("bound_claims")
            }
            return auth(alias: alias, metadata: metadata, groups: groups, mountPath: mountPath)
        }
    }

    /// The role's `token_bound_cidrs` apply to the login itself (step 6, a 403).
    private func checkClientAddress(_ address: String?, _ log: inout JWTLoginChecks) throws {
        let cidrs = role.token.boundCIDRs
        guard !cidrs.isEmpty else { return log.skip("bound_cidrs") }
        func expected() -> String { "an address in \(cidrs.joined(separator: ", "))" }
        guard CIDRBlock.anyContains(cidrs, address) else {
            try log.fail("bound_cidrs", expected: expected(), actual: address ?? "unknown", .boundCIDRs)
        }
        log.pass("bound_cidrs", expected: expected(), actual: address ?? "unknown")
    }

    /// Header, signature, payload and `alg`, in that order (steps 8-9): the
    /// algorithm is checked only after a key verified the token.
    private func verifiedClaims(_ jwt: String, _ log: inout JWTLoginChecks) async throws -> [String: JSONValue] {
        let token = CompactJWS(jwt)
        let format = "three base64url parts with a JSON header"
        let header: [String: JSONValue]
        do throws(JWTLoginFailure) {
            header = try verifier.header(of: token)
        } catch {
            try log.fail("jws", expected: format, actual: "malformed", error)
        }
        let alg = header["alg"]?.stringValue ?? ""
        let kid = header["kid"]?.stringValue
        log.pass("jws", expected: format, actual: "alg \"\(alg)\"" + (kid.map { ", kid \"\($0)\"" } ?? ""))

        let allowed = config.jwtSupportedAlgs.isEmpty ? JWTConfig.supportedAlgorithms : config.jwtSupportedAlgs
        let keys = if case .remote = verifier { "a key of the issuer's JWKS" } else { "a configured public key" }
        do {
            try await verifier.verify(token, alg: alg, kid: kid, allowedAlgs: allowed)
        } catch let failure as JWTLoginFailure {
            try log.fail("signature", expected: "signed by \(keys)", actual: "not verified", failure)
        }
        log.pass("signature", expected: "signed by \(keys)", actual: "verified")

        let claims: [String: JSONValue]
        do throws(JWTLoginFailure) {
            claims = try TokenVerifier.claims(of: token)
        } catch {
            try log.fail("payload", expected: "a JSON object", actual: "not a JSON object", error)
        }
        log.pass("payload", expected: "a JSON object", actual: "\(claims.count) claims")

        func expectedAlg() -> String { "one of \(allowed.joined(separator: ", "))" }
        guard allowed.contains(alg) else { try log.fail("alg", expected: expectedAlg(), actual: alg, .algorithm) }
        log.pass("alg", expected: expectedAlg(), actual: alg)
        return claims
    }

    /// The token to mint: the role's policies and settings, named after the mount
    /// and the user claim.
    private func auth(alias: String, metadata: [String: String], groups: [String]?, mountPath: String) -> MountAuth {
        let mountName = mountPath.hasPrefix("auth/") ? String(mountPath.dropFirst(5)) : mountPath
        // The alias carries the same metadata as the token (the role and the
        // mapped claims), as OpenBao's JWT logins give it.
        let withRole = metadata.merging(["role": roleName]) { _, role in role }
        return MountAuth(
            policies: role.token.policies,
            displayName: mountName.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "-") + alias,
            metadata: withRole,
            tokenSettings: role.token,
            aliasName: alias,
            aliasMetadata: withRole,
            groupAliases: groups
        )
    }
}
