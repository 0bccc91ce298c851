import CofferCore
import CofferMountKit
import CofferTesting
import HTTPTypes
import NIOCore
import Testing

/// `sys/mounts`, `sys/auth` and the KV preflight (spec/vault-api.md §4.5, 4.6, 4.13).
@Suite struct MountAPITests {
    @Test("kv-v2 is stored as kv with version \"2\"; a plain kv has empty options")
    func enableKV() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/mounts/ci", method: .post, headers: rootHeaders, body: jsonBody(["type": "kv-v2"])) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/v1/sys/mounts/legacy", method: .post, headers: rootHeaders, body: jsonBody(["type": "kv"])) {
                #expect($0.status == .noContent)
            }
            try await client.execute(
                uri: "/v1/sys/mounts/numeric", method: .post, headers: rootHeaders,
                body: jsonBody(["type": "kv", "options": ["version": 2]])
            ) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/v1/sys/mounts", method: .get, headers: rootHeaders) { response in
                #expect(response.json?["data"]?["ci/"]?["type"] == "kv")
                #expect(response.json?["data"]?["ci/"]?["options"] == ["version": "2"])
                #expect(response.json?["data"]?["numeric/"]?["options"] == ["version": "2"])
                #expect(response.json?["data"]?["legacy/"]?["options"] == .object([:]))
                #expect(response.json?["data"]?["sys/"]?["options"] == .null)
                // Top-level copy for older clients (§2.6).
                #expect(response.json?["ci/"]?["type"] == "kv")
                #expect(response.json?["data"]?["ci/"]?["accessor"]?.stringValue?.hasPrefix("kv_") == true)
            }
        }
    }

    @Test("a duplicate path and an unknown type are 400 with Vault's messages")
    func enableErrors() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/mounts/secret", method: .post, headers: rootHeaders, body: jsonBody(["type": "kv"])) {
                response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["path is already in use at secret/"])
            }
            try await client.execute(
                uri: "/v1/sys/mounts/bogus", method: .post, headers: rootHeaders, body: jsonBody(["type": "not-a-real-engine"])
            ) { response in
                #expect(response.errors == ["plugin not found in the catalog: not-a-real-engine"])
            }
        }
    }

    @Test("disabling a mount removes it and its data; disabling nothing is 204")
    func disable() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/mounts/tmp", method: .post, headers: rootHeaders, body: jsonBody(["type": "kv"])) { _ in
            }
            try await client.execute(uri: "/v1/tmp/a", method: .post, headers: rootHeaders, body: jsonBody(["v": "1"])) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/v1/sys/mounts/tmp", method: .delete, headers: rootHeaders) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/v1/sys/mounts/tmp", method: .delete, headers: rootHeaders) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/v1/tmp/a", method: .get, headers: rootHeaders) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/sys/mounts/tmp", method: .post, headers: rootHeaders, body: jsonBody(["type": "kv"])) { _ in
            }
            try await client.execute(uri: "/v1/tmp/a", method: .get, headers: rootHeaders) { #expect($0.status == .notFound) }
        }
    }

    @Test("tune reads effective TTLs and writes new ones")
    func tune() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/mounts/secret/tune", method: .get, headers: rootHeaders) { response in
                #expect(response.json?["data"]?["default_lease_ttl"] == 2_764_800)
                #expect(response.json?["data"]?["options"] == ["version": "2"])
            }
            try await client.execute(
                uri: "/v1/sys/mounts/secret/tune", method: .post, headers: rootHeaders,
                body: jsonBody(["default_lease_ttl": "1h", "max_lease_ttl": "", "description": "CI secrets"])
            ) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/v1/sys/mounts/secret/tune", method: .get, headers: rootHeaders) { response in
                #expect(response.json?["data"]?["default_lease_ttl"] == 3600)
                #expect(response.json?["data"]?["max_lease_ttl"] == 2_764_800)
                #expect(response.json?["data"]?["description"] == "CI secrets")
            }
        }
    }

    @Test("the token auth mount is listed; unknown auth types are refused")
    func authTable() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/auth", method: .get, headers: rootHeaders) { response in
                #expect(response.json?["data"]?["token/"]?["type"] == "token")
                #expect(response.json?["data"]?["token/"]?["config"]?["token_type"] == "default-service")
            }
            try await client.execute(uri: "/v1/sys/auth/x", method: .post, headers: rootHeaders, body: jsonBody(["type": "nothing"])) {
                #expect($0.status == .badRequest)
            }
        }
    }

    @Test("the KV preflight names the mount path and version as a string")
    func preflight() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/internal/ui/mounts/secret/ci/production/db", method: .get, headers: rootHeaders) {
                response in
                #expect(response.status == .ok)
                #expect(response.json?["data"]?["path"] == "secret/")
                #expect(response.json?["data"]?["options"]?["version"] == "2")
            }
            try await client.execute(uri: "/v1/sys/internal/ui/mounts/auth/token/lookup-self", method: .get, headers: rootHeaders) {
                response in
                #expect(response.json?["data"]?["path"] == "token/")
            }
            try await client.execute(uri: "/v1/sys/internal/ui/mounts/nothere/foo", method: .get, headers: rootHeaders) { response in
                #expect(response.status == .forbidden)
                #expect(
                    response.errors == [
                        "preflight capability check returned 403, please ensure client's policies grant access to path \"nothere/foo/\""
                    ])
            }
            try await client.execute(uri: "/v1/sys/internal/ui/mounts", method: .get) { response in
                #expect(response.json?["data"] == ["auth": .object([:]), "secret": .object([:])])
            }
        }
    }

    @Test("mounts survive a seal and unseal")
    func mountsPersist() async throws {
        let (core, unsealKey) = try await TestCore.unsealedWithKey()
        try await core.mounts.enable(MountEntry.newSecrets(path: "kept/", type: "kv"))
        await core.seal.seal()
        #expect(core.router.all.isEmpty)
        _ = try await core.seal.unseal(share: unsealKey)
        #expect(core.router.route("kept/x")?.mount.entry.path == "kept/")
    }
}
