import Foundation
import JWTKit
import Testing

@testable import CofferCIOIDC

@Suite struct TokenMinterTests {
    let org = "1b2c3d4e-0000-4000-8000-0000000000a1"
    let project = "5a6b7c8d-0000-4000-8000-000000000001"

    func keyDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ci-oidc-\(UUID().uuidString)").path
    }

    @Test("a v2 token carries CircleCI's claims and verifies against the published key")
    func v2Token() async throws {
        let store = try SigningKeyStore.open(keyDir())
        let job = CircleCIJob(
            orgID: org, projectID: project, contextIDs: ["7a0322cc-b8ce-485e-9a6f-06a11f5a2a75"],
            vcsOrigin: "github.com/acme/app", vcsRef: "refs/heads/main")
        let token = try await TokenMinter(keys: store).mint(job: job, issuerBase: "https://127.0.0.1:8443", now: Date())

        let verifier = JWTKeyCollection()
        await verifier.add(rsa: store.current.privateKey.publicKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: store.current.kid))
        let claims = try await verifier.verify(token, as: CircleCIClaims.self)
        #expect(claims.iss == "https://127.0.0.1:8443/org/\(org)")
        #expect(claims.aud == org)
        #expect(claims.exp - claims.iat == 3600)
        #expect(claims.sub == "org/\(org)/project/\(project)/user/\(job.userID)/vcs-origin/github.com/acme/app/vcs-ref/refs/heads/main")
        #expect(claims.projectID == project)
        #expect(claims.contextIDs == ["7a0322cc-b8ce-485e-9a6f-06a11f5a2a75"])
        #expect(claims.sshRerun == false)

        let header = try JSONSerialization.jsonObject(with: Data(base64URL: String(token.split(separator: ".")[0]))) as? [String: String]
        #expect(header == ["alg": "RS256", "kid": store.current.kid, "typ": "JWT"])
        #expect(store.current.kid.count == 86)
    }

    @Test("a v1 subject stops at the user; a webhook job has no VCS claims even in v2")
    func subjects() {
        let job = CircleCIJob(
            orgID: org, projectID: project, userID: "f021c70e-abc9-421f-b0f4-da2a8a5e82c2", vcsOrigin: "github.com/a/b",
            vcsRef: "refs/heads/x")
        #expect(CircleCIClaims.subject(job, format: .v1) == "org/\(org)/project/\(project)/user/f021c70e-abc9-421f-b0f4-da2a8a5e82c2")
        let webhook = CircleCIJob(orgID: org, projectID: project, userID: "f021c70e-abc9-421f-b0f4-da2a8a5e82c2")
        #expect(CircleCIClaims.subject(webhook, format: .v2) == CircleCIClaims.subject(webhook, format: .v1))
    }

    @Test("keys persist in the key dir; rotation keeps the old key published for the max TTL")
    func rotation() throws {
        let dir = keyDir()
        var store = try SigningKeyStore.open(dir)
        let first = store.current.kid
        let now = Date()
        try store.rotate(now: now)
        let reopened = try SigningKeyStore.open(dir)
        #expect(reopened.current.kid == store.current.kid)
        #expect(reopened.current.kid != first)
        #expect(Set(reopened.published(at: now.addingTimeInterval(3600)).map(\.kid)) == [first, store.current.kid])
        #expect(reopened.published(at: now.addingTimeInterval(6 * 3600)).map(\.kid) == [store.current.kid])
    }

    @Test("an unreadable key dir is a clear error")
    func unreadableKeyDir() throws {
        let dir = keyDir()
        _ = try SigningKeyStore.open(dir)
        try Data("not json".utf8).write(to: URL(fileURLWithPath: dir).appendingPathComponent("keys.json"))
        #expect(throws: CIOIDCError.self) { try SigningKeyStore.open(dir) }
    }

    @Test("ids must be lower-case UUIDs")
    func ids() {
        #expect(CircleCIJob.isValidID(org))
        #expect(!CircleCIJob.isValidID(org.uppercased()))
        #expect(!CircleCIJob.isValidID("not-a-uuid"))
    }
}

extension Data {
    init(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self = Data(base64Encoded: base64) ?? Data()
    }
}
