import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// `explain login` for JWT: the explanation is the login's own decision, so
/// each refusal of the login table names its one failing check with both
/// values, the guide's CircleCI login passes every check, and neither the
/// token nor its signature is ever shown.
@Suite struct JWTLoginExplanationTests {
    @Test("each refusal of the login table names its one failing check, with both values", arguments: JWTLoginTableTests.rows)
    func refusalNamesTheCheck(_ row: JWTLoginTableTests.Row) async throws {
        var jwt = ""
        let decision = try await JWTLoginTableTests.decide(row, jwt: &jwt)
        let explanation = LoginExplanation(decision, method: "jwt", role: "ci")
        let failed = explanation.checks.filter { $0.outcome == .failed }
        if let failing = row.failing {
            #expect(failed.map(\.name) == [failing])
            let check = try #require(failed.first)
            #expect(!check.expected.isEmpty && !check.actual.isEmpty)
            #expect(explanation.summary.contains("refused by \(failing): expected \(check.expected), got \(check.actual)"))
            #expect(explanation.refusal?.first == row.message)
        } else {
            #expect(failed.isEmpty)
            #expect(explanation.isGranted && explanation.policies == ["ci"])
        }
        #expect(LoginExplanation(json: explanation.json) == explanation)
        let shown = [explanation.text, explanation.summary, String(decoding: explanation.json.serialized(), as: UTF8.self)]
        let signature = String(jwt.split(separator: ".", omittingEmptySubsequences: false).last ?? "")
        let leaks = shown.contains { $0.contains(jwt) || (!signature.isEmpty && $0.contains(signature)) }
        #expect(!leaks, "the explanation shows the token or its signature")
    }

    @Test("the guide's CircleCI login passes every check it configures")
    func guideHappyPath() async throws {
        let org = "cbcbeff3-d273-420e-9cce-4cf1ed7b9094", project = "786e4cb4-b6a3-4ed7-9129-dc5e00de8e77"
        let context = "4c852bd3-9bdb-4cee-9346-3879ab35e6c3"
        let issuer = "https://oidc.circleci.com/org/\(org)"
        let now: Int64 = 1_767_605_400
        let claims: [String: JSONValue] = [
            "iss": .string(issuer), "sub": .string("org/\(org)/project/\(project)/user/f021c70e-abc9-421f-b0f4-da2a8a5e82c2"),
            "aud": .string(org), "iat": .int(now), "exp": .int(now + 3600),
            "oidc.circleci.com/project-id": .string(project),
            "oidc.circleci.com/context-ids": [.string(context), "7a0322cc-b8ce-485e-9a6f-06a11f5a2a75"],
            "oidc.circleci.com/vcs-origin": "github.com/acme-corp/payments-api", "oidc.circleci.com/vcs-ref": "refs/heads/main",
            "oidc.circleci.com/ssh-rerun": false,
        ]
        var role = JWTRole()
        role.roleType = "jwt"
        role.userClaim = "sub"
        role.boundAudiences = [org]
        role.boundClaims = [
            "oidc.circleci.com/project-id": .string(project), "oidc.circleci.com/context-ids": [.string(context)],
            "oidc.circleci.com/vcs-origin": "github.com/acme-corp/payments-api", "oidc.circleci.com/vcs-ref": ["refs/heads/main"],
            "oidc.circleci.com/ssh-rerun": false,
        ]
        role.token.policies = ["ci-production"]
        var config = JWTConfig()
        config.boundIssuer = issuer
        let signer = TestSigner()
        let jwt = try signer.token(claims)
        let login = JWTLogin(
            config: config, role: role, roleName: "ci", verifier: try await signer.verifier(),
            now: Date(timeIntervalSince1970: Double(now + 60)))
        let explanation = LoginExplanation(
            try await login.decide(jwt: jwt, clientAddress: "10.0.0.1", mountPath: "auth/jwt/"), method: "jwt", role: "ci")
        #expect(explanation.isGranted)
        #expect(explanation.checks.allSatisfy { $0.outcome != .failed })
        let configured =
            ["jws", "signature", "payload", "alg", "claim_types", "iss", "aud", "nbf", "exp", "iat", "user_claim"]
            + (role.boundClaims ?? [:]).keys.map { "bound_claims.\($0)" }
        for name in configured {
            #expect(explanation.checks.first { $0.name == name }?.outcome == .passed, "\(name)")
        }
        // List semantics spelled out: any of the bound values against any of the claim's.
        let contexts = try #require(explanation.checks.first { $0.name == "bound_claims.oidc.circleci.com/context-ids" })
        #expect(contexts.expected == "any of [\"\(context)\"]")
        #expect(contexts.actual == "any of [\"\(context)\",\"7a0322cc-b8ce-485e-9a6f-06a11f5a2a75\"]")
        let branch = try #require(explanation.checks.first { $0.name == "bound_claims.oidc.circleci.com/vcs-ref" })
        #expect(branch.expected == "any of [\"refs/heads/main\"]" && branch.actual == "\"refs/heads/main\"")
        let iat = try #require(explanation.checks.first { $0.name == "iat" })
        #expect(iat.actual.hasSuffix("measured skew: iat is 60 s behind this server's clock"))
    }
}
