import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// The JWT login's decision over a table of claim sets and role bounds: each row
/// is granted, or refused by the check that spec/jwt-auth.md §3.2 says refuses
/// it, with OpenBao's message. Tokens are signed in the test.
@Suite struct JWTLoginTableTests {
    static let now: Double = 1_700_000_000
    static let signer = TestSigner()

    /// A CircleCI-like token that the base role accepts.
    static let baseClaims: [String: JSONValue] = [
        "iss": "https://oidc.example/org", "sub": "org/o/project/p/user/u", "aud": "coffer",
        "exp": .int(Int64(now) + 300), "iat": .int(Int64(now) - 10), "project_id": "p1", "ref": "refs/heads/main",
    ]

    /// One table row: claims over the base token, role and config changes, and the expected decision.
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        /// Claims to set over the base claims; `.null` removes one.
        var claims: [String: JSONValue] = [:]
        var role: @Sendable (inout JWTRole) -> Void = { _ in }
        var config: @Sendable (inout JWTConfig) -> Void = { _ in }
        var clientAddress = "10.1.2.3"
        /// Signed by a key the mount does not know.
        var foreignKey = false
        /// The check that refuses the login and the message the client gets; nil: granted.
        let failing: String?
        var message: String? = nil
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "a token the role accepts", failing: nil),
        Row(
            name: "issuer other than bound_issuer", claims: ["iss": "https://evil.example"], failing: "iss",
            message: "error validating token: invalid issuer (iss) claim"),
        Row(
            name: "subject other than bound_subject", role: { $0.boundSubject = "org/o/project/q/user/u" }, failing: "bound_subject",
            message: "error validating token: invalid subject (sub) claim"),
        Row(
            name: "audience not bound", claims: ["aud": ["other", "another"]], failing: "aud",
            message: "error validating token: invalid audience (aud) claim: audience claim does not match any expected audience"),
        Row(
            name: "audience on a role that binds none",
            role: {
                $0.boundAudiences = nil
                $0.boundSubject = "org/o/project/p/user/u"
            },
            failing: "bound_audiences", message: "audience claim found in JWT but no audiences bound to the role"),
        Row(
            name: "expired", claims: ["exp": .int(Int64(now) - 61)], failing: "exp",
            message: "error validating token: invalid expiration time (exp) claim: token is expired"),
        Row(
            name: "not yet valid", claims: ["nbf": .int(Int64(now) + 120)], failing: "nbf",
            message: "error validating token: invalid not before (nbf) claim: token not yet valid"),
        Row(
            name: "issued in the future", claims: ["nbf": .int(Int64(now) - 5), "iat": .int(Int64(now) + 120)], failing: "iat",
            message: "error validating token: invalid issued at (iat) claim: token issued in the future"),
        Row(
            name: "no time claims", claims: ["exp": .null, "iat": .null], failing: "time_claims",
            message: "error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token"),
        Row(
            name: "numeric sub", claims: ["sub": 42], failing: "claim_types",
            message: "error validating token: json: cannot unmarshal number into Go struct field Claims.sub of type string"),
        Row(
            name: "numeric aud", claims: ["aud": 7], failing: "claim_types",
            message: "error validating token: go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience"),
        Row(
            name: "string exp", claims: ["exp": "soon"], failing: "claim_types",
            message: "error validating token: go-jose/go-jose/jwt: expected number value to unmarshal NumericDate"),
        Row(
            name: "user claim missing", role: { $0.userClaim = "actor" }, failing: "user_claim",
            message: "claim \"actor\" not found in token"),
        Row(
            name: "user claim not a string", claims: ["actor": ["a"]], role: { $0.userClaim = "actor" }, failing: "user_claim",
            message: "claim \"actor\" could not be converted to string"),
        Row(
            name: "user claim checked before bound claims", claims: ["project_id": "p2"],
            role: {
                $0.userClaim = "actor"
                $0.boundClaims = ["project_id": "p1"]
            }, failing: "user_claim",
            message: "claim \"actor\" not found in token"),
        Row(
            name: "claim mapping of a list", claims: ["ref": ["a", "b"]], role: { $0.claimMappings = ["ref": "vcs_ref"] },
            failing: "claim_mappings", message: "error converting claim 'ref' to string"),
        Row(
            name: "groups claim missing", role: { $0.groupsClaim = "groups" }, failing: "groups_claim",
            message: "failed to fetch groups: \"groups\" claim not found in token"),
        Row(name: "bound project matches", role: { $0.boundClaims = ["project_id": ["p0", "p1"]] }, failing: nil),
        Row(
            name: "bound project differs", role: { $0.boundClaims = ["project_id": "p2"] }, failing: "bound_claims.project_id",
            message: "error validating claims: claim \"project_id\" does not match any associated bound claim values"),
        Row(
            name: "bound claim missing", claims: ["project_id": .null], role: { $0.boundClaims = ["project_id": "p1"] },
            failing: "bound_claims.project_id", message: "error validating claims: claim \"project_id\" is missing"),
        Row(
            name: "bound claim given an object", claims: ["ctx": ["a": "ctx-b"]], role: { $0.boundClaims = ["ctx": "x"] },
            failing: "bound_claims.ctx", message: "error validating claims: received claim is not a string, bool, int or list: map[a:ctx-b]"
        ),
        Row(
            name: "glob bound claim",
            role: {
                $0.boundClaims = ["ref": "refs/heads/*"]
                $0.boundClaimsType = "glob"
            }, failing: nil),
        Row(
            name: "client outside token_bound_cidrs", role: { $0.token.boundCIDRs = ["192.168.0.0/16"] }, failing: "bound_cidrs",
            message: "permission denied"),
        Row(
            name: "algorithm outside jwt_supported_algs", config: { $0.jwtSupportedAlgs = ["RS256"] }, failing: "alg",
            message: "error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm"),
        Row(
            name: "signed by an unknown key", foreignKey: true, failing: "signature",
            message: "error validating token: error verifying token signature: no known key successfully validated the token signature"),
    ]

    static func decide(_ row: Row, jwt: inout String) async throws -> LoginDecision<JWTLoginFailure> {
        var role = JWTRole()
        role.roleType = "jwt"
        role.userClaim = "sub"
        role.boundAudiences = ["coffer"]
        role.token.policies = ["ci"]
        row.role(&role)
        var config = JWTConfig()
        config.boundIssuer = "https://oidc.example/org"
        row.config(&config)
        let claims = baseClaims.merging(row.claims) { _, new in new }.filter { $0.value != .null }
        jwt = try (row.foreignKey ? TestSigner() : signer).token(claims)
        let login = JWTLogin(
            config: config, role: role, roleName: "ci", verifier: try await signer.verifier(),
            now: Date(timeIntervalSince1970: now))
        return try await login.decide(jwt: jwt, clientAddress: row.clientAddress, mountPath: "auth/jwt/")
    }

    @Test("each row is granted or refused by the check the spec names, with OpenBao's message", arguments: rows)
    func decision(_ row: Row) async throws {
        var jwt = ""
        let decision = try await Self.decide(row, jwt: &jwt)
        #expect(decision.failedCheck?.name == row.failing)
        #expect(decision.error?.messages.first == row.message)
        #expect((decision.auth != nil) == (row.failing == nil))
        // Every check before the deciding one passed or did not apply.
        #expect(decision.checks.dropLast(row.failing == nil ? 0 : 1).allSatisfy { $0.outcome != .failed })
        // The decision reports claims, never the token or its signature.
        let signature = String(jwt.split(separator: ".").last ?? "")
        #expect(!decision.checks.contains { $0.actual.contains(signature) || $0.expected.contains(signature) })
    }

    @Test("a granted login lists every check in OpenBao's order and describes the token")
    func grantedChecks() async throws {
        var jwt = ""
        let row = Row(
            name: "granted",
            role: {
                $0.boundClaims = ["project_id": "p1"]
                $0.claimMappings = ["ref": "vcs_ref"]
            }, failing: nil)
        let decision = try await Self.decide(row, jwt: &jwt)
        #expect(
            decision.checks.map(\.name) == [
                "bound_cidrs", "jws", "signature", "payload", "alg", "claim_types", "iss", "bound_subject", "aud",
                "nbf", "exp", "iat", "user_claim", "claim_mappings", "groups_claim", "bound_claims.project_id",
            ])
        #expect(decision.checks.filter { $0.outcome == .skipped }.map(\.name) == ["bound_cidrs", "bound_subject", "groups_claim"])
        let auth = try decision.grantedAuth()
        #expect(auth.displayName == "jwt-org/o/project/p/user/u")
        #expect(auth.metadata == ["role": "ci", "vcs_ref": "refs/heads/main"])
        #expect(auth.policies == ["ci"])
    }
}
