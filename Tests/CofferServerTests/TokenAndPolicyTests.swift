import CofferCore
import CofferEncoding
import CofferMountKit
import CofferStorage
import CofferTesting
import Foundation
import HTTPTypes
import NIOCore
import Testing

/// Tokens, policies and their enforcement through the HTTP API (spec/vault-api.md §5, §14).
@Suite struct TokenAndPolicyTests {
    static let guidePolicy = """
        path "secret/data/ci/production/db" { capabilities = ["read"] }
        path "secret/data/ci/production/api" { capabilities = ["read"] }
        path "secret/data/ci/staging/*" { capabilities = ["deny"] }
        """

    func headers(_ token: String) -> HTTPFields { [HTTPField.Name("X-Vault-Token")!: token] }

    func createToken(_ client: APITestClient, _ body: JSONValue, as parent: String = TestCore.rootToken) async throws -> String {
        let response = try await client.execute(uri: "/v1/auth/token/create", method: .post, headers: headers(parent), body: jsonBody(body))
        { $0 }
        #expect(response.status == .ok)
        return try #require(response.json?["auth"]?["client_token"]?.stringValue)
    }

    @Test("the guide's policy: production readable, staging and elsewhere 403, nothing after revoke-self")
    func guidePolicyFlow() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/sys/policies/acl/ci-production", method: .put, headers: rootHeaders,
                body: jsonBody(["policy": .string(Self.guidePolicy)])
            ) {
                #expect($0.status == .noContent)
            }
            for key in ["ci/production/db", "ci/staging/db", "other"] {
                try await client.execute(
                    uri: "/v1/secret/data/\(key)", method: .post, headers: rootHeaders, body: jsonBody(["data": ["password": "pw"]])
                ) { _ in }
            }
            let token = try await createToken(client, ["policies": ["ci-production"], "ttl": "15m"])
            try await client.execute(uri: "/v1/secret/data/ci/production/db", method: .get, headers: headers(token)) { response in
                #expect(response.status == .ok)
                #expect(response.json?["data"]?["data"]?["password"] == "pw")
            }
            for denied in ["ci/staging/db", "other"] {
                try await client.execute(uri: "/v1/secret/data/\(denied)", method: .get, headers: headers(token)) { response in
                    #expect(response.status == .forbidden)
                    #expect(response.errors == ["1 error occurred:\n\t* permission denied\n\n"])
                }
            }
            try await client.execute(
                uri: "/v1/secret/data/ci/production/db", method: .post, headers: headers(token), body: jsonBody(["data": ["x": "y"]])
            ) {
                #expect($0.status == .forbidden)
            }
            // The preflight passes on a mount the token can read something in.
            try await client.execute(uri: "/v1/sys/internal/ui/mounts/secret/ci/production/db", method: .get, headers: headers(token)) {
                #expect($0.json?["data"]?["path"] == "secret/")
            }
            try await client.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: headers(token)) { response in
                #expect(response.json?["data"]?["policies"] == ["ci-production", "default"])
                #expect(response.json?["data"]?["creation_ttl"] == 900)
            }
            try await client.execute(uri: "/v1/auth/token/revoke-self", method: .post, headers: headers(token)) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/v1/secret/data/ci/production/db", method: .get, headers: headers(token)) { response in
                #expect(response.status == .forbidden)
                #expect(response.errors == ["permission denied"])
            }
        }
    }

    @Test("a token with ttl=2s is refused once it expires, and the sweep removes it")
    func ttlExpiry() async throws {
        let clock = ManualClock()
        let core = try await TestCore.unsealed(clock: clock)
        try await withAPI(core) { client in
            let token = try await createToken(client, ["ttl": "2s", "policies": ["default"]])
            try await client.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: headers(token)) { #expect($0.status == .ok) }
            clock.advance(by: 2)
            try await client.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: headers(token)) {
                #expect($0.status == .forbidden)
            }
            // The background sweep may get there first: either way it is gone.
            await core.expiration.revokeExpired()
            #expect(core.expiration.pendingCount == 0)
            // Removed from storage, not only refused: the raw entry is gone.
            #expect(try await core.barrier.get("sys/token/id/" + core.tokens.hash(token)) == nil)
        }
    }

    @Test("a token survives a restart, and still expires on time after it")
    func expiryAcrossRestart() async throws {
        let clock = ManualClock()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-restart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("coffer.db").path

        let first = TestCore.make(storage: try SQLiteStorage(path: path), clock: clock)
        let (keys, root) = try await first.seal.initialize(shares: 1, threshold: 1)
        _ = try await first.seal.unseal(share: keys[0])
        var request = CofferCore.Request(
            operation: .write, path: "auth/token/create", data: ["ttl": "2s", "policies": ["default"]], token: root)
        guard case .logical(let created) = await first.handle(request), let token = created.auth["client_token"]?.stringValue else {
            Issue.record("token create failed")
            return
        }
        await first.seal.seal()

        let second = TestCore.make(storage: try SQLiteStorage(path: path), clock: clock)
        _ = try await second.seal.unseal(share: keys[0])
        request = CofferCore.Request(operation: .read, path: "auth/token/lookup-self", token: token)
        guard case .logical = await second.handle(request) else {
            Issue.record("the token should work after the restart")
            return
        }
        #expect(second.expiration.pendingCount >= 1)
        clock.advance(by: 3)
        guard case .error(let error) = await second.handle(request) else {
            Issue.record("the expired token should be refused")
            return
        }
        #expect(error == .permissionDenied)
    }

    @Test("num_uses=1 works exactly once")
    func singleUse() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let token = try await createToken(client, ["num_uses": 1, "policies": ["default"]])
            try await client.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: headers(token)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: headers(token)) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test("a denied request still spends a use")
    func deniedRequestSpendsAUse() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let token = try await createToken(client, ["num_uses": 2, "policies": ["default"]])
            try await client.execute(uri: "/v1/secret/data/x", method: .get, headers: headers(token)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: headers(token)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: headers(token)) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test("revoking a parent revokes its children; revoke-orphan keeps them")
    func tokenTree() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/sys/policies/acl/creator", method: .put, headers: rootHeaders,
                body: jsonBody(["policy": "path \"auth/token/create\" { capabilities = [\"update\"] }"])
            ) { _ in }
            let parent = try await createToken(client, ["policies": ["creator"]])
            let child = try await createToken(client, ["policies": ["default"]], as: parent)
            try await client.execute(
                uri: "/v1/auth/token/revoke", method: .post, headers: rootHeaders, body: jsonBody(["token": .string(parent)])
            ) { _ in }
            try await client.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: headers(child)) {
                #expect($0.status == .forbidden)
            }

            let parent2 = try await createToken(client, ["policies": ["creator"]])
            let child2 = try await createToken(client, ["policies": ["default"]], as: parent2)
            try await client.execute(
                uri: "/v1/auth/token/revoke-orphan", method: .post, headers: rootHeaders, body: jsonBody(["token": .string(parent2)])
            ) { _ in }
            try await client.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: headers(child2)) { response in
                #expect(response.status == .ok)
                #expect(response.json?["data"]?["orphan"] == true)
            }
        }
    }

    @Test("a child cannot get policies its parent lacks")
    func noEscalation() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/sys/policies/acl/creator", method: .put, headers: rootHeaders,
                body: jsonBody(["policy": "path \"auth/token/create\" { capabilities = [\"update\"] }"])
            ) { _ in }
            let parent = try await createToken(client, ["policies": ["creator"]])
            try await client.execute(
                uri: "/v1/auth/token/create", method: .post, headers: headers(parent), body: jsonBody(["policies": ["root"]])
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["child policies must be subset of parent"])
            }
            let plain = try await createToken(client, ["policies": ["default"]])
            try await client.execute(uri: "/v1/auth/token/create", method: .post, headers: headers(plain), body: jsonBody([:])) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test("lookup, lookup-accessor, renew and the root token's refusal to renew")
    func lookupAndRenew() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let token = try await createToken(
                client, ["policies": ["default"], "ttl": "1h", "explicit_max_ttl": "2h", "meta": ["project": "app"]])
            let accessor = try await client.execute(
                uri: "/v1/auth/token/lookup", method: .post, headers: rootHeaders, body: jsonBody(["token": .string(token)])
            ) { response in
                #expect(response.json?["data"]?["meta"] == ["project": "app"])
                #expect(response.json?["data"]?["id"]?.stringValue == token)
                return response.json?["data"]?["accessor"]?.stringValue ?? ""
            }
            try await client.execute(
                uri: "/v1/auth/token/lookup-accessor", method: .post, headers: rootHeaders, body: jsonBody(["accessor": .string(accessor)])
            ) { response in
                #expect(response.json?["data"]?["id"] == "")
            }
            try await client.execute(
                uri: "/v1/auth/token/lookup", method: .post, headers: rootHeaders, body: jsonBody(["token": "s.nothing"])
            ) { response in
                #expect(response.status == .forbidden)
                #expect(response.errors == ["bad token"])
            }
            try await client.execute(
                uri: "/v1/auth/token/renew-self", method: .post, headers: headers(token), body: jsonBody(["increment": "30m"])
            ) { response in
                #expect(response.json?["auth"]?["lease_duration"] == 1800)
            }
            try await client.execute(uri: "/v1/auth/token/renew-self", method: .post, headers: rootHeaders) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["lease is not renewable"])
            }
            try await client.execute(
                uri: "/v1/auth/token/revoke-accessor", method: .post, headers: rootHeaders,
                body: jsonBody(["accessor": "AAAAAAAAAAAAAAAAAAAAAAAA"])
            ) { response in
                #expect(response.status == .ok)
                #expect(response.json?["warnings"] == ["No token found with this accessor"])
            }
        }
    }

    @Test("policies: names lowercased, default and root built in, legacy path with rules")
    func policyEndpoints() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/sys/policies/acl/MyPolicy", method: .put, headers: rootHeaders,
                body: jsonBody(["policy": "path \"a/*\" { capabilities = [\"read\"] }"])
            ) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/v1/sys/policies/acl/MYPOLICY", method: .get, headers: rootHeaders) { response in
                #expect(response.json?["data"]?["name"] == "mypolicy")
            }
            try await client.execute(uri: "/v1/sys/policies/acl", method: HTTPRequest.Method("LIST")!, headers: rootHeaders) { response in
                #expect(response.json?["data"]?["keys"] == ["default", "mypolicy", "root"])
            }
            try await client.execute(
                uri: "/v1/sys/policies/acl/root", method: .put, headers: rootHeaders,
                body: jsonBody(["policy": "path \"*\" { capabilities = [\"read\"] }"])
            ) { response in
                #expect(response.errors == ["cannot update \"root\" policy"])
            }
            try await client.execute(uri: "/v1/sys/policies/acl/default", method: .delete, headers: rootHeaders) { response in
                #expect(response.errors == ["cannot delete default policy"])
            }
            try await client.execute(
                uri: "/v1/sys/policies/acl/broken", method: .put, headers: rootHeaders,
                body: jsonBody(["policy": "path \"secret/*\" { capabilities = [\"fly\"] }"])
            ) { response in
                #expect(response.errors == ["failed to parse policy: path \"secret/*\": path \"secret/*\": invalid capability \"fly\""])
            }
            try await client.execute(
                uri: "/v1/sys/policy/legacy", method: .put, headers: rootHeaders,
                body: jsonBody(["rules": "path \"l\" { capabilities = [\"read\"] }"])
            ) { response in
                #expect(response.json?["warnings"] == ["'rules' is deprecated, please use 'policy' instead"])
            }
            try await client.execute(uri: "/v1/sys/policy/legacy", method: .get, headers: rootHeaders) { response in
                #expect(response.json?["rules"]?.stringValue?.contains("capabilities") == true)
                #expect(response.json?["data"]?["rules"] == response.json?["rules"])
            }
            try await client.execute(uri: "/v1/sys/policies/acl/nothing", method: .get, headers: rootHeaders) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test("capabilities-self reports per path, root reports root")
    func capabilities() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/sys/policies/acl/ci-production", method: .put, headers: rootHeaders,
                body: jsonBody(["policy": .string(Self.guidePolicy)])
            ) { _ in }
            let token = try await createToken(client, ["policies": ["ci-production"]])
            try await client.execute(
                uri: "/v1/sys/capabilities-self", method: .post, headers: headers(token),
                body: jsonBody(["paths": ["secret/data/ci/production/db", "secret/data/ci/staging/x", "sys/mounts"]])
            ) { response in
                #expect(response.json?["data"]?["secret/data/ci/production/db"] == ["read"])
                #expect(response.json?["data"]?["secret/data/ci/staging/x"] == ["deny"])
                #expect(response.json?["sys/mounts"] == ["deny"])
            }
            try await client.execute(
                uri: "/v1/sys/capabilities-self", method: .post, headers: rootHeaders, body: jsonBody(["path": "anything"])
            ) { response in
                #expect(response.json?["data"]?["capabilities"] == ["root"])
            }
        }
    }

    @Test("cubbyhole is private to each token and goes with it")
    func cubbyhole() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let a = try await createToken(client, ["policies": ["default"]])
            let b = try await createToken(client, ["policies": ["default"]])
            try await client.execute(
                uri: "/v1/cubbyhole/my-secret", method: .post, headers: headers(a), body: jsonBody(["value": "only-mine"])
            ) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/v1/cubbyhole/my-secret", method: .get, headers: headers(a)) { response in
                #expect(response.json?["data"] == ["value": "only-mine"])
                #expect(response.json?["lease_duration"] == 0)
            }
            try await client.execute(uri: "/v1/cubbyhole/my-secret", method: .get, headers: headers(b)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/cubbyhole", method: HTTPRequest.Method("LIST")!, headers: headers(a)) { response in
                #expect(response.json?["data"]?["keys"] == ["my-secret"])
            }
        }
    }

    @Test("sealing needs sudo on sys/seal, not just update")
    func sealNeedsSudo() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/sys/policies/acl/sealer", method: .put, headers: rootHeaders,
                body: jsonBody(["policy": "path \"sys/seal\" { capabilities = [\"update\"] }"])
            ) { _ in }
            let token = try await createToken(client, ["policies": ["sealer"]])
            try await client.execute(uri: "/v1/sys/seal", method: .put, headers: headers(token)) { #expect($0.status == .forbidden) }
        }
    }
}

@Suite struct BoundCIDRTests {
    @Test("a token bound to networks works only from them")
    func boundToNetworks() async throws {
        let core = try await TestCore.unsealed()
        var request = TokenStore.Request(policies: ["default"], path: "auth/approle/login", displayName: "approle")
        request.boundCIDRs = ["10.0.0.0/8"]
        let (token, _) = try await core.tokens.create(request)
        let fromInside = CofferCore.Request(operation: .read, path: "auth/token/lookup-self", token: token, clientAddress: "10.1.2.3")
        let fromOutside = CofferCore.Request(operation: .read, path: "auth/token/lookup-self", token: token, clientAddress: "192.0.2.1")
        let unknown = CofferCore.Request(operation: .read, path: "auth/token/lookup-self", token: token, clientAddress: nil)
        guard case .logical = await core.handle(fromInside) else {
            Issue.record("the token should work from inside its network")
            return
        }
        for outside in [fromOutside, unknown] {
            guard case .error(let error) = await core.handle(outside) else {
                Issue.record("the token should be refused from outside its network")
                return
            }
            #expect(error == .permissionDenied)
        }
    }
}
