import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// `explain login` for AppRole runs the login's own decision without spending:
/// a single-use secret ID explained any number of times still logs in once.
@Suite struct AppRoleExplainTests {
    let logins = AppRoleLoginTests()

    @Test("explaining spends no use of a single-use secret ID, and names its role")
    func explainSpendsNothing() async throws {
        let (roleID, secretID) = try await logins.credentials(secret: ["num_uses": 1])
        let fields: [String: JSONValue] = ["role_id": .string(roleID), "secret_id": .string(secretID)]
        for _ in 0..<3 {
            let explanation = try await logins.mount.explainLogin(logins.request(.update, "login", fields))
            #expect(explanation.isGranted && explanation.role == "runner" && explanation.policies == ["ci"])
            #expect(explanation.checks.first { $0.name == "secret_id_num_uses" }?.actual == "1 left; an explanation spends none")
            let shown = explanation.text + String(decoding: explanation.json.serialized(), as: UTF8.self)
            #expect(!shown.contains(secretID) && !shown.contains(roleID), "the explanation shows a credential")
        }
        let login = try await logins.mount.decideLogin(logins.request(.update, "login", fields))
        #expect(login.auth != nil)
        let again = try await logins.mount.explainLogin(logins.request(.update, "login", fields))
        #expect(again.failedCheck?.name == "secret_id")
        #expect(again.refusal == ["invalid role or secret ID"])
        #expect(again.summary.contains("refused by secret_id: expected a secret ID issued for role \"runner\", got does not match"))
    }

    @Test("a refused login's error carries the explanation summary; the client's message is unchanged")
    func refusedLoginCarriesSummary() async throws {
        let (roleID, _) = try await logins.credentials()
        do {
            _ = try await logins.mount.handle(
                logins.request(.update, "login", ["role_id": .string(roleID), "secret_id": "not-the-secret"]))
            Issue.record("the login was granted")
        } catch let error as MountError {
            #expect(error == .invalidCredentials("invalid role or secret ID"))
            #expect(
                error.explanation
                    == "approle login refused by secret_id: expected a secret ID issued for role \"runner\", got does not match")
        }
    }
}
