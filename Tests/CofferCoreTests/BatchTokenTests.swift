import CofferEncoding
import CofferMountKit
import CofferStorage
import CofferTesting
import Foundation
import Testing

@testable import CofferCore

/// Issue 15, batch tokens: self-contained tokens that cost no storage write at
/// creation and no read at use, with Vault's limits.
@Suite struct BatchTokenTests {
    typealias Answer = TokenLimitsTests.Answer

    static func call(
        _ core: Core, _ operation: Request.Operation, _ path: String, _ data: [String: JSONValue] = [:],
        token: String? = TestCore.rootToken
    ) async -> Answer {
        await TokenLimitsTests.call(core, operation, path, data, token: token)
    }

    static let tokenPolicy = "path \"auth/token/*\" { capabilities = [\"create\", \"update\", \"read\", \"sudo\"] }"

    /// A core with a policy that may use the token store fully, and a batch token holding it.
    static func coreWithBatch(clock: ManualClock? = nil, _ extra: [String: JSONValue] = [:]) async throws -> (Core, String) {
        let core = try await TestCore.unsealed(clock: clock)
        _ = await call(core, .write, "sys/policies/acl/tok", ["policy": .string(tokenPolicy)])
        var body: [String: JSONValue] = ["type": "batch", "policies": ["tok"], "ttl": "10m"]
        body.merge(extra) { _, new in new }
        let created = await call(core, .write, "auth/token/create", body)
        return (core, try #require(created.token))
    }

    @Test("a batch token is b.-prefixed, has no accessor, is not renewable, and writes nothing")
    func createdWithoutStorage() async throws {
        let storage = MemoryStorage()
        let core = try await TestCore.unsealed(storage: storage)
        let before = try await storage.list(prefix: TokenStore.idPrefix)
        let markers = LeaseStore.idPrefix + "auth/token/create/"
        let created = await Self.call(core, .write, "auth/token/create", ["type": "batch", "policies": ["default"], "ttl": "15m"])
        let token = try #require(created.token)
        #expect(token.hasPrefix("b."))
        #expect(created.auth["accessor"] == "")
        #expect(created.auth["renewable"] == false)
        #expect(created.auth["lease_duration"] == 900)
        #expect(created.auth["orphan"] == false)
        #expect(try await storage.list(prefix: TokenStore.idPrefix) == before)
        #expect(try await storage.list(prefix: markers).isEmpty)
        // A service token made the same way leaves its entry and its lease marker.
        _ = await Self.call(core, .write, "auth/token/create", ["policies": ["default"], "ttl": "15m"])
        #expect(try await storage.list(prefix: markers).count == 1)

        let lookup = await Self.call(core, .read, "auth/token/lookup-self", token: token)
        #expect(lookup.data["type"] == "batch")
        #expect(lookup.data["policies"] == ["default"])
        #expect(lookup.data["accessor"] == "")
        #expect(lookup.data["path"] == "auth/token/create")
        #expect(lookup.data["id"] == .string(token))
    }

    @Test("renewal, children, revocation and a cubbyhole are refused, with Vault's messages")
    func limits() async throws {
        let (core, token) = try await Self.coreWithBatch()
        _ = await Self.call(
            core, .write, "sys/policies/acl/cub", ["policy": "path \"cubbyhole/*\" { capabilities = [\"create\", \"read\"] }"])
        let renew = await Self.call(core, .write, "auth/token/renew-self", token: token)
        #expect(renew.error?.messages == ["batch tokens cannot be renewed"])
        #expect(renew.error?.code == .badRequest)
        for body: [String: JSONValue] in [["policies": ["tok"]], ["type": "batch", "policies": ["tok"]]] {
            let child = await Self.call(core, .write, "auth/token/create", body, token: token)
            #expect(child.error?.messages == ["batch tokens cannot create more tokens"])
        }
        let orphan = await Self.call(core, .write, "auth/token/create-orphan", ["policies": ["tok"]], token: token)
        #expect(orphan.error?.messages == ["batch tokens cannot create more tokens"])
        let revoke = await Self.call(core, .write, "auth/token/revoke-self", token: token)
        #expect(revoke.error?.messages == ["batch tokens cannot be revoked"])
        let revokeByRoot = await Self.call(core, .write, "auth/token/revoke", ["token": .string(token)])
        #expect(revokeByRoot.error?.messages == ["batch tokens cannot be revoked"])
        // Still usable after every refusal.
        #expect(await Self.call(core, .read, "auth/token/lookup-self", token: token).data["type"] == "batch")

        let withCubbyhole = await Self.call(core, .write, "auth/token/create", ["type": "batch", "policies": ["cub"]])
        let cubbyhole = await Self.call(core, .write, "cubbyhole/x", ["a": "1"], token: try #require(withCubbyhole.token))
        #expect(cubbyhole.error?.messages == ["cubbyhole operations are only supported by 'service' type tokens"])
    }

    @Test("explicit_max_ttl, num_uses, a period and root are refused, in OpenBao's order")
    func creationRules() async throws {
        let core = try await TestCore.unsealed()
        let cases: [([String: JSONValue], String)] = [
            (
                ["type": "batch", "period": "10m", "num_uses": 2, "explicit_max_ttl": "1h"],
                "batch tokens cannot have \"explicit_max_ttl\" set"
            ),
            (["type": "batch", "policies": ["default"], "num_uses": 2, "period": "10m"], "batch tokens cannot have \"num_uses\" set"),
            (["type": "batch", "policies": ["default"], "period": "10m"], "batch tokens cannot have \"period\" set"),
            (["type": "batch"], "batch tokens cannot be root tokens"),
            (["type": "bogus", "policies": ["default"]], "invalid 'token_type' value"),
        ]
        for (body, message) in cases {
            #expect(await Self.call(core, .write, "auth/token/create", body).error?.messages == [message])
        }
        let zeros = await Self.call(
            core, .write, "auth/token/create",
            ["type": "batch", "policies": ["default"], "period": "0s", "num_uses": 0, "explicit_max_ttl": "0s", "ttl": "0s"])
        #expect(zeros.token?.hasPrefix("b.") == true)
    }

    @Test("a batch token stops at its expiry, with nothing to sweep")
    func expires() async throws {
        let clock = ManualClock()
        let (core, token) = try await Self.coreWithBatch(clock: clock)
        clock.advance(by: 599)
        #expect(await Self.call(core, .read, "auth/token/lookup-self", token: token).data["ttl"] == 1)
        clock.advance(by: 1)
        #expect(await Self.call(core, .read, "auth/token/lookup-self", token: token).error?.code == .permissionDenied)
    }

    @Test("a batch child ends with its parent, which is the only way to revoke it")
    func endsWithParent() async throws {
        let core = try await TestCore.unsealed()
        _ = await Self.call(core, .write, "sys/policies/acl/tok", ["policy": .string(Self.tokenPolicy)])
        let parent = try #require(await Self.call(core, .write, "auth/token/create", ["policies": ["tok"], "ttl": "1h"]).token)
        let child = try #require(
            await Self.call(core, .write, "auth/token/create", ["type": "batch", "policies": ["tok"]], token: parent).token)
        let lookup = await Self.call(core, .read, "auth/token/lookup-self", token: child)
        #expect(lookup.data["orphan"] == false)
        // A child never outlives its parent.
        guard case .int(let ttl)? = lookup.data["ttl"] else {
            Issue.record("lookup has no ttl")
            return
        }
        #expect(ttl > 0 && ttl <= 3600)
        _ = await Self.call(core, .write, "auth/token/revoke", ["token": .string(parent)])
        #expect(await Self.call(core, .read, "auth/token/lookup-self", token: child).error?.code == .permissionDenied)
    }

    @Test("a changed, truncated, foreign or garbage batch token is refused as unknown, never a 500")
    func forgeries() async throws {
        let (core, token) = try await Self.coreWithBatch()
        let (otherCore, foreign) = try await Self.coreWithBatch()
        _ = otherCore
        var bytes = Array(token.utf8)
        let index = bytes.count / 2
        bytes[index] = bytes[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let changed = String(decoding: bytes, as: UTF8.self)
        let candidates = [
            changed, String(token.dropLast(4)), foreign, "b.", "b.!!!!", "b.AAAA", "b." + String(repeating: "A", count: 10_000),
        ]
        for candidate in candidates {
            let answer = await Self.call(core, .read, "auth/token/lookup-self", token: candidate)
            #expect(answer.error?.code == .permissionDenied)
            let lookup = await Self.call(core, .write, "auth/token/lookup", ["token": .string(candidate)])
            #expect(lookup.error?.code == .forbidden)
        }
    }

    @Test("a keyring rotation leaves batch tokens made before it valid")
    func survivesKeyRotation() async throws {
        let (core, token) = try await Self.coreWithBatch()
        #expect(await Self.call(core, .write, "sys/rotate").error == nil)
        #expect(await Self.call(core, .read, "auth/token/lookup-self", token: token).data["type"] == "batch")
        let after = try #require(await Self.call(core, .write, "auth/token/create", ["type": "batch", "policies": ["tok"]]).token)
        #expect(await Self.call(core, .read, "auth/token/lookup-self", token: after).data["type"] == "batch")
    }

    @Test(
        "which kind a login gets: the mount's tune decides, or lets the role choose",
        arguments: [
            (role: "default", mount: nil, batch: false), (role: "batch", mount: nil, batch: true),
            (role: "default", mount: "default-service", batch: false), (role: "batch", mount: "default-service", batch: true),
            (role: "default", mount: "default-batch", batch: true), (role: "service", mount: "default-batch", batch: false),
            (role: "service", mount: "batch", batch: true), (role: "batch", mount: "service", batch: false),
            (role: "default-batch", mount: "default-service", batch: true),
        ] as [(role: String, mount: String?, batch: Bool)])
    func loginKind(_ row: (role: String, mount: String?, batch: Bool)) {
        #expect(LoginTokenIssuer.issuesBatch(role: row.role, mount: row.mount) == row.batch)
    }

    @Test("a role cannot ask for periodic or limited-use batch tokens")
    func roleRules() throws {
        var settings = TokenSettings()
        settings.type = "batch"
        settings.period = 300
        #expect(throws: MountError.self) { try settings.validate() }
        settings.period = 0
        settings.numUses = 3
        #expect(throws: MountError.self) { try settings.validate() }
        settings.numUses = 0
        try settings.validate()
        #expect(settings.json["token_type"] == "batch")
        settings.type = "default-service"
        #expect(settings.json["token_type"] == "service")
    }

    @Test("token_type is tuned on auth methods only, never on the token store")
    func tuning() async throws {
        let core = try await TestCore.unsealed()
        _ = await Self.call(core, .write, "sys/auth/approle", ["type": "approle"])
        #expect(await Self.call(core, .write, "sys/auth/approle/tune", ["token_type": "batch"]).error == nil)
        #expect(await Self.call(core, .read, "sys/auth/approle/tune").data["token_type"] == "batch")
        let bogus = await Self.call(core, .write, "sys/auth/approle/tune", ["token_type": "default"])
        #expect(bogus.error?.messages == ["invalid value for 'token_type'"])
        #expect(await Self.call(core, .write, "sys/auth/approle/tune", ["token_type": ""]).error == nil)
        #expect(await Self.call(core, .read, "sys/auth/approle/tune").data["token_type"] == "default-service")
        let tokenStore = await Self.call(core, .write, "sys/auth/token/tune", ["token_type": "batch"])
        #expect(tokenStore.error?.messages == ["'token_type' cannot be set for 'token' or 'ns_token' auth mounts"])
        let secrets = await Self.call(core, .write, "sys/mounts/secret/tune", ["token_type": "batch"])
        #expect(secrets.error?.messages == ["'token_type' can only be modified on auth mounts"])
    }
}
