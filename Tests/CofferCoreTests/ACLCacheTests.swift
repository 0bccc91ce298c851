import CofferEncoding
import CofferMountKit
import CofferTesting
import Foundation
import Testing

@testable import CofferCore

/// Tokens' compiled ACLs are built once and reused, and never outlive a change
/// to what they were built from: a policy, an entity, a group, or the stores
/// reloaded at unseal.
@Suite struct ACLCacheTests {
    static let key = ACLCache.Key(policies: ["ci"], entityID: "ent-1")

    @Test("an ACL is built once per policies and entity, and again after an invalidation")
    func builtOnceUntilInvalidated() {
        let cache = ACLCache()
        var builds = 0
        let build = {
            builds += 1
            return ACL(policies: [])
        }
        _ = cache.acl(Self.key, build: build)
        _ = cache.acl(Self.key, build: build)
        #expect(builds == 1)
        _ = cache.acl(ACLCache.Key(policies: ["ci"], entityID: "ent-2"), build: build)
        #expect(builds == 2)
        cache.invalidate()
        #expect(cache.count == 0)
        _ = cache.acl(Self.key, build: build)
        #expect(builds == 3)
    }

    @Test("an ACL built while a change lands is answered once but not kept")
    func buildAcrossAnInvalidationIsNotKept() {
        let cache = ACLCache()
        let answered = cache.acl(Self.key) {
            cache.invalidate()
            return ACL(policies: [Policy(name: "root", text: "", rules: [])])
        }
        #expect(answered.isRoot)
        #expect(cache.count == 0)
    }

    @Test("the cache holds at most its capacity")
    func bounded() {
        let cache = ACLCache(capacity: 3)
        for index in 0..<10 { _ = cache.acl(.init(policies: ["p\(index)"], entityID: "")) { ACL(policies: []) } }
        #expect(cache.count == 3)
    }

    /// A core with a templated policy on an alias's `project_id` and a token of that entity.
    private struct Fixture {
        let core: Core
        let token: String
        let entityID: String

        static func make(_ given: Core? = nil) async throws -> Fixture {
            let core: Core
            if let given { core = given } else { core = try await TestCore.unsealed() }
            let entity = try await core.pipeline.identity.entityForLogin(
                accessor: "auth_jwt_1", mountType: "jwt", mountPath: "auth/jwt/", aliasName: "u", metadata: ["project_id": "p1"])
            let rule = #"path "secret/data/ci/{{identity.entity.aliases.auth_jwt_1.metadata.project_id}}/*" { capabilities = ["read"] }"#
            _ = try await core.policies.put(name: "tpl", text: rule)
            var request = TokenStore.Request(policies: ["default", "tpl"], path: "auth/jwt/login", displayName: "jwt-u")
            request.entityID = entity.id
            let token = try await core.tokens.create(request).id
            for project in ["p1", "p2", "extra"] {
                let written = await core.handle(
                    Request(operation: .write, path: "secret/data/ci/\(project)/db", data: ["data": ["k": "v"]], token: TestCore.rootToken))
                guard case .logical = written else { throw CoreError.badRequest("setup write failed") }
            }
            return Fixture(core: core, token: token, entityID: entity.id)
        }

        func reads(_ project: String) async -> Bool {
            let answer = await core.handle(Request(operation: .read, path: "secret/data/ci/\(project)/db", token: token))
            if case .logical = answer { return true }
            return false
        }
    }

    @Test("a live token's decisions follow its entity's alias metadata, its policies and its groups")
    func decisionsFollowChanges() async throws {
        let fixture = try await Fixture.make()
        let identity = fixture.core.pipeline.identity
        #expect(await fixture.reads("p1"))
        #expect(await !fixture.reads("p2"))

        // A later login brings other metadata: the entity changes, and so does the rule.
        _ = try await identity.entityForLogin(
            accessor: "auth_jwt_1", mountType: "jwt", mountPath: "auth/jwt/", aliasName: "u", metadata: ["project_id": "p2"])
        #expect(await !fixture.reads("p1"))
        #expect(await fixture.reads("p2"))

        // The policy is rewritten.
        _ = try await fixture.core.policies.put(name: "tpl", text: #"path "secret/data/ci/p1/*" { capabilities = ["read"] }"#)
        #expect(await fixture.reads("p1"))
        #expect(await !fixture.reads("p2"))

        // A group brings a policy, and takes it away when the entity leaves.
        _ = try await fixture.core.policies.put(name: "extra", text: #"path "secret/data/ci/extra/*" { capabilities = ["read"] }"#)
        #expect(await !fixture.reads("extra"))
        let now = Date()
        var group = IdentityGroup(
            id: "grp-1", name: "extra", policies: ["extra"], metadata: [:], memberEntityIDs: [fixture.entityID], memberGroupIDs: [],
            creationTime: now, lastUpdateTime: now)
        try await identity.save(group)
        #expect(await fixture.reads("extra"))
        group.memberEntityIDs = []
        try await identity.save(group)
        #expect(await !fixture.reads("extra"))

        // Deleting the entity leaves the token its own policies only.
        try await identity.delete(id: fixture.entityID)
        #expect(await fixture.reads("p1"))
        try await fixture.core.policies.delete("tpl")
        #expect(await !fixture.reads("p1"))
    }

    @Test("sealing empties the cache, and unsealing decides from what is stored")
    func sealAndUnsealStartAfresh() async throws {
        let (core, key) = try await TestCore.unsealedWithKey()
        let fixture = try await Fixture.make(core)
        #expect(await fixture.reads("p1"))
        #expect(core.policies.acls.count > 0)
        await core.seal.seal()
        #expect(core.policies.acls.count == 0)
        _ = try await core.seal.unseal(share: key)
        #expect(await fixture.reads("p1"))
        #expect(await !fixture.reads("p2"))
    }
}
