import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// The AppRole login's decision: each credential check by name, refusals in
/// OpenBao's words, and neither the role ID nor the secret ID in any check.
@Suite struct AppRoleLoginTests {
    let view = StorageView(storage: PlainStorage(), prefix: "logical/approle/")
    var mount: AppRoleMount { AppRoleMount(storage: view) }

    func request(_ operation: MountOperation, _ path: String, _ data: [String: JSONValue] = [:], from address: String = "10.0.0.5")
        -> MountRequest
    {
        MountRequest(
            operation: operation, path: path, fields: RequestFields(data), storage: view, mountPath: "auth/approle/", clientAddress: address
        )
    }

    /// A role `runner` and one secret ID for it, with `secretFields` on the secret ID.
    func credentials(role roleFields: [String: JSONValue] = [:], secret secretFields: [String: JSONValue] = [:]) async throws -> (
        roleID: String, secretID: String
    ) {
        let mount = self.mount
        _ = try await mount.handle(request(.create, "role/runner", ["token_policies": "ci"].merging(roleFields) { _, new in new }))
        let roleID = try await mount.handle(request(.read, "role/runner/role-id")).data?["role_id"]?.stringValue ?? ""
        let secretID = try await mount.handle(request(.update, "role/runner/secret-id", secretFields)).data?["secret_id"]?.stringValue ?? ""
        return (roleID, secretID)
    }

    @Test("a good pair passes every check, and a single-use secret ID is spent")
    func granted() async throws {
        let (roleID, secretID) = try await credentials(secret: ["num_uses": 1])
        let first = try await mount.decideLogin(request(.update, "login", ["role_id": .string(roleID), "secret_id": .string(secretID)]))
        #expect(first.auth?.policies == ["ci"])
        #expect(
            first.checks.map(\.name) == [
                "role_id", "secret_id_bound_cidrs", "secret_id", "secret_id_ttl", "cidr_list", "secret_id_num_uses", "token_bound_cidrs",
            ])
        #expect(first.checks.first { $0.name == "secret_id_num_uses" }?.actual == "1 left: spent, the secret ID is deleted")
        let second = try await mount.decideLogin(request(.update, "login", ["role_id": .string(roleID), "secret_id": .string(secretID)]))
        #expect(second.failedCheck?.name == "secret_id")
        #expect(second.error == .invalidCredentials("invalid role or secret ID"))
        #expect(second.error?.isInvalidCredentials == true)
        for check in first.checks + second.checks {
            #expect(!check.actual.contains(secretID) && !check.expected.contains(secretID))
            #expect(!check.actual.contains(roleID) && !check.expected.contains(roleID))
        }
    }

    @Test("each refusal comes from its check, worded as OpenBao words it")
    func refusals() async throws {
        let (roleID, secretID) = try await credentials(
            role: ["secret_id_bound_cidrs": ["10.0.0.0/8"]], secret: ["cidr_list": ["10.0.0.0/24"]])
        let cases: [(fields: [String: JSONValue], address: String, check: String, error: MountError)] = [
            ([:], "10.0.0.5", "role_id", .internal("missing role_id")),
            (["role_id": "nope"], "10.0.0.5", "role_id", .badRequest("invalid role or secret ID")),
            (
                ["role_id": .string(roleID)], "172.16.0.1", "secret_id_bound_cidrs",
                .badRequest("source address \"172.16.0.1\" unauthorized by CIDR restrictions on the role: %!w(<nil>)")
            ),
            (["role_id": .string(roleID)], "10.0.0.5", "secret_id", .badRequest("missing secret_id")),
            (
                ["role_id": .string(roleID), "secret_id": .string(secretID)], "10.9.0.1", "cidr_list",
                .badRequest("source address \"10.9.0.1\" unauthorized through CIDR restrictions on the secret ID")
            ),
        ]
        for refusal in cases {
            let decision = try await mount.decideLogin(request(.update, "login", refusal.fields, from: refusal.address))
            #expect(decision.failedCheck?.name == refusal.check)
            #expect(decision.error == refusal.error)
            #expect(decision.auth == nil)
        }
    }

    @Test("without bind_secret_id the secret ID check is skipped and the role's CIDRs bind the token")
    func unboundSecretID() async throws {
        let (roleID, _) = try await credentials(role: ["bind_secret_id": false, "token_bound_cidrs": ["10.0.0.0/8"]])
        let decision = try await mount.decideLogin(request(.update, "login", ["role_id": .string(roleID)]))
        #expect(decision.checks.first { $0.name == "secret_id" }?.outcome == .skipped)
        #expect(decision.checks.last?.actual == "10.0.0.0/8 from the role")
        #expect(decision.auth?.tokenSettings.boundCIDRs == ["10.0.0.0/8"])
    }
}
