import CofferEncoding
import CofferMountKit
import CofferTesting
import Foundation
import Testing

@testable import CofferCore

/// Issue 12, items 4 and 5: a caller cannot widen a token's or a secret ID's
/// limits, and disabling an auth method revokes what it issued.
@Suite struct TokenLimitsTests {
    /// One request through the pipeline: the answer's JSON, or the error.
    struct Answer {
        var logical: LogicalResponse?
        var error: CoreError?
        var auth: JSONValue { logical?.auth ?? .null }
        var data: JSONValue { logical?.data ?? .null }
        var token: String? { auth["client_token"]?.stringValue }
    }

    static func call(
        _ core: Core, _ operation: Request.Operation, _ path: String, _ data: [String: JSONValue] = [:],
        token: String? = TestCore.rootToken, from client: String? = "10.0.0.5"
    ) async -> Answer {
        switch await core.handle(Request(operation: operation, path: path, data: data, token: token, clientAddress: client)) {
        case .logical(let response): return Answer(logical: response)
        case .error(let error): return Answer(error: error)
        default: return Answer()
        }
    }

    /// A token with the given policies (as root made it), for callers without sudo.
    static func token(_ core: Core, policies: [String], _ extra: [String: JSONValue] = [:]) async throws -> String {
        var body: [String: JSONValue] = ["policies": JSONValue(policies), "ttl": "1h"]
        body.merge(extra) { _, new in new }
        return try #require(await call(core, .write, "auth/token/create", body).token)
    }

    @Test("a period needs sudo: a token without it is refused as in OpenBao")
    func periodNeedsSudo() async throws {
        let core = try await TestCore.unsealed()
        _ = await Self.call(
            core, .write, "sys/policies/acl/creator", ["policy": "path \"auth/token/create\" { capabilities = [\"update\"] }"])
        let caller = try await Self.token(core, policies: ["creator"])
        let answer = await Self.call(core, .write, "auth/token/create", ["policies": ["creator"], "period": "10m"], token: caller)
        #expect(answer.error?.code == .badRequest)
        #expect(answer.error?.messages == ["root or sudo privileges required to create periodic token"])
        let negative = await Self.call(core, .write, "auth/token/create", ["period": "-5"])
        #expect(negative.error?.messages == ["period must be positive"])
    }

    @Test("a periodic token honours explicit_max_ttl, and a period stops at the system maximum")
    func periodicCaps() async throws {
        let core = try await TestCore.unsealed()
        let capped = await Self.call(core, .write, "auth/token/create", ["period": "2h", "explicit_max_ttl": "1h"])
        #expect(capped.auth["lease_duration"] == 3600)
        #expect(
            capped.logical?.warnings == ["period of \"2h\" exceeded the effective max_ttl of \"1h\"; period value is capped accordingly"])
        let huge = await Self.call(core, .write, "auth/token/create-orphan", ["period": "2000h"])
        #expect(huge.auth["lease_duration"] == .int(TokenSettings.systemTTL))
    }

    @Test("a TTL asked for an orphan or root token stops at the system maximum")
    func orphanAndRootTTLCapped() async throws {
        let core = try await TestCore.unsealed()
        for (path, policies) in [("auth/token/create-orphan", ["default"]), ("auth/token/create", ["root"])] {
            let answer = await Self.call(core, .write, path, ["ttl": "2000h", "policies": JSONValue(policies)])
            #expect(answer.auth["lease_duration"] == .int(TokenSettings.systemTTL))
            #expect(
                answer.logical?.warnings == ["TTL of \"2000h\" exceeded the effective max_ttl of \"768h\"; TTL value is capped accordingly"]
            )
        }
    }

    @Test("a limited-use token cannot make children, and a child keeps its parent's network binding")
    func childrenCannotEscape() async throws {
        let core = try await TestCore.unsealed()
        let limited = try await Self.token(core, policies: ["root"], ["num_uses": 5])
        let refused = await Self.call(core, .write, "auth/token/create", ["ttl": "1h"], token: limited)
        #expect(refused.error?.messages == ["restricted use token cannot generate child tokens"])

        var request = TokenStore.Request(policies: ["root"], path: "auth/token/create", displayName: "token")
        request.ttl = 3600
        request.boundCIDRs = ["10.0.0.0/24"]
        let parent = try await core.tokens.create(request).id
        let child = try #require(await Self.call(core, .write, "auth/token/create", ["ttl": "1h"], token: parent).token)
        #expect(await Self.call(core, .read, "auth/token/lookup-self", token: child, from: "10.0.0.9").error == nil)
        #expect(await Self.call(core, .read, "auth/token/lookup-self", token: child, from: "10.9.9.9").error?.code == .permissionDenied)
    }

    /// An AppRole mount at `approle/` with role `ci`; returns its role ID.
    static func appRole(_ core: Core, _ role: [String: JSONValue]) async throws -> String {
        _ = await call(core, .write, "sys/auth/approle", ["type": "approle"])
        let written = await call(core, .write, "auth/approle/role/ci", role)
        #expect(written.error == nil)
        return try #require(await call(core, .read, "auth/approle/role/ci/role-id").data["role_id"]?.stringValue)
    }

    @Test("a secret ID cannot ask for more uses, more time or wider networks than its role")
    func secretIDWithinRole() async throws {
        let core = try await TestCore.unsealed()
        _ = try await Self.appRole(
            core,
            [
                "secret_id_num_uses": 3, "secret_id_ttl": "1h", "secret_id_bound_cidrs": ["10.0.0.0/8"],
                "token_bound_cidrs": ["10.0.0.0/8"],
            ])
        let path = "auth/approle/role/ci/secret-id"
        for uses in [0, 5] as [JSONValue] {
            let answer = await Self.call(core, .write, path, ["num_uses": uses])
            #expect(answer.error?.messages == ["num_uses cannot be higher than the role's secret_id_num_uses"])
        }
        for ttl in [0, "2h"] as [JSONValue] {
            let answer = await Self.call(core, .write, path, ["ttl": ttl])
            #expect(answer.error?.messages == ["ttl cannot be longer than the role's secret_id_ttl"])
        }
        for field in ["cidr_list", "token_bound_cidrs"] {
            let answer = await Self.call(core, .write, path, [field: ["11.0.0.0/8"]])
            #expect(answer.error?.code == .internal)
            #expect(
                answer.error?.messages == [
                    "1 error occurred:\n\t* failed to verify subset relationship between CIDR blocks on the role [\"10.0.0.0/8\"] "
                        + "and CIDR blocks on the secret ID [\"11.0.0.0/8\"]: %!w(<nil>)\n\n"
                ])
        }
        let narrower = await Self.call(core, .write, path, ["num_uses": 2, "ttl": "30m", "token_bound_cidrs": ["10.1.0.0/16"]])
        #expect(narrower.data["secret_id_num_uses"] == 2)
    }

    @Test("token_strictly_bind_ip binds the login's token to the address it logged in from")
    func strictlyBindIP() async throws {
        let core = try await TestCore.unsealed()
        let roleID = try await Self.appRole(core, ["token_strictly_bind_ip": true, "token_ttl": "1h"])
        let secret = try #require(await Self.call(core, .write, "auth/approle/role/ci/secret-id").data["secret_id"]?.stringValue)
        let login = await Self.call(
            core, .write, "auth/approle/login", ["role_id": .string(roleID), "secret_id": .string(secret)], token: nil, from: "10.0.0.5")
        let token = try #require(login.token)
        #expect(await Self.call(core, .read, "auth/token/lookup-self", token: token, from: "10.0.0.5").error == nil)
        #expect(await Self.call(core, .read, "auth/token/lookup-self", token: token, from: "10.0.0.6").error?.code == .permissionDenied)
    }

    @Test("disabling an auth method revokes every token it issued, their children and leases")
    func disableRevokesIssuedTokens() async throws {
        let core = try await TestCore.unsealed()
        _ = await Self.call(
            core, .write, "sys/policies/acl/creator", ["policy": "path \"auth/token/create\" { capabilities = [\"update\"] }"])
        let roleID = try await Self.appRole(core, ["token_ttl": "1h", "token_policies": ["creator"]])
        var issued: [String] = []
        for _ in 0..<3 {
            let secret = try #require(await Self.call(core, .write, "auth/approle/role/ci/secret-id").data["secret_id"]?.stringValue)
            issued.append(
                try #require(
                    await Self.call(
                        core, .write, "auth/approle/login", ["role_id": .string(roleID), "secret_id": .string(secret)], token: nil
                    ).token))
        }
        let child = try #require(await Self.call(core, .write, "auth/token/create", ["policies": ["creator"]], token: issued[0]).token)
        issued.append(child)
        let other = try await Self.token(core, policies: ["default"])
        #expect(await Self.call(core, .delete, "sys/auth/approle").error == nil)
        for token in issued {
            #expect(try await core.tokens.lookup(token) == nil)
        }
        #expect(try await core.tokens.lookup(other) != nil)
        #expect(try await core.leases.ids(under: "auth/approle/").isEmpty)
        #expect(try await core.barrier.list(prefix: "sys/token/id/").count == 2)
    }

    @Test("logins in flight while their auth method is disabled leave no live token behind")
    func disableDuringLogins() async throws {
        let core = try await TestCore.unsealed()
        for _ in 0..<10 {
            let roleID = try await Self.appRole(
                core, ["token_ttl": "1h", "bind_secret_id": false, "secret_id_bound_cidrs": ["10.0.0.0/8"]])
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        if index == 25 {
                            _ = await Self.call(core, .delete, "sys/auth/approle")
                        } else {
                            _ = await Self.call(core, .write, "auth/approle/login", ["role_id": .string(roleID)], token: nil)
                        }
                    }
                }
            }
            #expect(try await core.barrier.list(prefix: "sys/token/id/") == [try core.tokens.hash(TestCore.rootToken)])
            #expect(try await core.leases.ids(under: "").isEmpty)
        }
    }
}
