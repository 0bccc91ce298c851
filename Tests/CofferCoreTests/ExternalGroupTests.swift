import CofferTesting
import Foundation
import Testing

@testable import CofferCore

/// External groups fed by logins: membership follows the groups a login
/// names on its own mount, and concurrent logins lose no member.
@Suite struct ExternalGroupTests {
    static func externalGroup(_ core: Core, alias: String, accessor: String = "auth_jwt_1") async throws -> IdentityGroup {
        let now = Date()
        let id = UUIDs.make()
        let group = IdentityGroup(
            id: id, name: "ext-\(alias)", kind: .external, policies: [], metadata: [:], memberEntityIDs: [], memberGroupIDs: [],
            alias: GroupAlias(
                id: UUIDs.make(), mountAccessor: accessor, mountType: "jwt", mountPath: "auth/jwt/", name: alias, creationTime: now,
                lastUpdateTime: now), creationTime: now, lastUpdateTime: now)
        try await core.pipeline.identity.save(group)
        return group
    }

    @Test("a login joins the groups it names on its mount and leaves that mount's others, not another mount's")
    func membershipFollowsTheLogin() async throws {
        let core = try await TestCore.unsealed()
        let identity = core.pipeline.identity
        let devs = try await Self.externalGroup(core, alias: "devs")
        let ops = try await Self.externalGroup(core, alias: "ops")
        let elsewhere = try await Self.externalGroup(core, alias: "devs", accessor: "auth_oidc_2")
        try await identity.refreshExternalGroups(entityID: "e1", accessor: "auth_oidc_2", names: ["devs"])
        try await identity.refreshExternalGroups(entityID: "e1", accessor: "auth_jwt_1", names: ["devs", "ops", "unknown"])
        #expect(identity.group(id: devs.id)?.memberEntityIDs == ["e1"])
        #expect(identity.group(id: ops.id)?.memberEntityIDs == ["e1"])
        try await identity.refreshExternalGroups(entityID: "e1", accessor: "auth_jwt_1", names: ["ops"])
        #expect(identity.group(id: devs.id)?.memberEntityIDs == [])
        #expect(identity.group(id: ops.id)?.memberEntityIDs == ["e1"])
        #expect(identity.group(id: elsewhere.id)?.memberEntityIDs == ["e1"])
        // What is stored says the same after a reload.
        try await identity.load()
        #expect(identity.group(id: ops.id)?.memberEntityIDs == ["e1"])
        #expect(identity.group(id: ops.id)?.alias?.name == "ops")
        #expect(identity.group(aliasAccessor: "auth_jwt_1", name: "ops")?.id == ops.id)
    }

    @Test("logins at once into one group keep every member")
    func concurrentLoginsLoseNoMember() async throws {
        let core = try await TestCore.unsealed()
        let identity = core.pipeline.identity
        let devs = try await Self.externalGroup(core, alias: "devs")
        let entities = (0..<40).map { "entity-\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for entity in entities {
                tasks.addTask { try await identity.refreshExternalGroups(entityID: entity, accessor: "auth_jwt_1", names: ["devs"]) }
            }
            try await tasks.waitForAll()
        }
        #expect(identity.group(id: devs.id)?.memberEntityIDs == entities.sorted())
        try await identity.load()
        #expect(identity.group(id: devs.id)?.memberEntityIDs == entities.sorted())
    }
}
