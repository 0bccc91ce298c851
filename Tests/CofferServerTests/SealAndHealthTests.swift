import CofferCore
import CofferMountKit
import CofferMounts
import CofferStorage
import CofferTesting
import Foundation
import HTTPTypes
import NIOCore
import Testing

/// Init, unseal, seal and health through the HTTP API (spec/vault-api.md §4.1-4.4).
@Suite struct SealAndHealthTests {
    func freshCore() -> Core { Core(physical: MemoryStorage(), mountFactories: ["kv": KVMountFactory.factory]) }

    @Test("an uninitialized server: health 501, init false, reads 503, unseal 400")
    func uninitialized() async throws {
        try await withAPI(freshCore()) { client in
            try await client.execute(uri: "/v1/sys/health", method: .get) { response in
                #expect(response.status.code == 501)
                #expect(response.json?["initialized"] == false)
            }
            try await client.execute(uri: "/v1/sys/init", method: .get) { #expect($0.json == ["initialized": false]) }
            try await client.execute(uri: "/v1/secret/data/x", method: .get, headers: rootHeaders) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.errors == ["Vault is sealed"])
            }
            try await client.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["key": "abcd"])) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["Vault is not initialized"])
            }
        }
    }

    @Test("init, then unseal with threshold shares; wrong shares leave it sealed; status codes follow")
    func initAndUnseal() async throws {
        try await withAPI(freshCore()) { client in
            try await client.execute(uri: "/v1/sys/init", method: .put, body: jsonBody(["secret_shares": 1, "secret_threshold": 3])) {
                response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["invalid seal configuration: threshold cannot be larger than shares"])
            }
            let initAnswer = try await client.execute(
                uri: "/v1/sys/init", method: .put, body: jsonBody(["secret_shares": 5, "secret_threshold": 3])
            ) { $0 }
            #expect(initAnswer.status == .ok)
            let keys = (initAnswer.json?["keys"]?.arrayValue ?? []).compactMap { $0.stringValue }
            let base64Keys = (initAnswer.json?["keys_base64"]?.arrayValue ?? []).compactMap { $0.stringValue }
            try #require(keys.count == 5 && base64Keys.count == 5)
            #expect(keys.count == 5 && keys.allSatisfy { $0.count == 66 })
            #expect(initAnswer.json?["root_token"]?.stringValue?.hasPrefix("s.") == true)

            try await client.execute(uri: "/v1/sys/init", method: .put, body: jsonBody(["secret_shares": 1, "secret_threshold": 1])) {
                response in
                #expect(response.errors == ["Vault is already initialized"])
            }
            try await client.execute(uri: "/v1/sys/health", method: .get) { #expect($0.status.code == 503) }
            try await client.execute(uri: "/v1/sys/health?sealedcode=299&uninitcode=298&activecode=297", method: .get) {
                #expect($0.status.code == 299)
            }
            try await client.execute(uri: "/v1/sys/health?activecode=abc", method: .get) { #expect($0.status == .badRequest) }

            // Bad inputs change nothing.
            try await client.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["key": "%%%"])) { response in
                #expect(response.errors == ["'key' must be a valid hex or base64 string"])
            }
            try await client.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["key": "bm90LWEta2V5"])) { response in
                #expect(response.errors == ["invalid key: key is shorter than minimum 16 bytes"])
            }
            try await client.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody([:])) { response in
                #expect(response.errors == ["'key' must be specified in request body as JSON, or 'reset' set to true"])
            }
            try await client.execute(uri: "/v1/sys/seal-status", method: .get) { #expect($0.json?["progress"] == 0) }

            // Three shares that are not this server's: refused, and still sealed.
            let strangers = try Shamir.split(Array(repeating: 9, count: 32), shares: 3, threshold: 3)
            for (index, share) in strangers.enumerated() {
                let hex = share.map { String(format: "%02x", $0) }.joined()
                try await client.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["key": .string(hex)])) { response in
                    #expect(response.status == (index < 2 ? .ok : .badRequest))
                }
            }
            try await client.execute(uri: "/v1/sys/seal-status", method: .get) { response in
                #expect(response.json?["sealed"] == true)
                #expect(response.json?["progress"] == 0)
            }

            // Progress, reset, then the right three (mixing hex and base64).
            try await client.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["key": .string(keys[0])])) { response in
                #expect(response.json?["progress"] == 1)
                #expect(response.json?["nonce"]?.stringValue?.isEmpty == false)
            }
            try await client.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["reset": true])) {
                #expect($0.json?["progress"] == 0)
            }
            for key in [keys[4], base64Keys[1]] {
                try await client.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["key": .string(key)])) {
                    #expect($0.json?["sealed"] == true)
                }
            }
            try await client.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["key": .string(keys[2])])) { response in
                #expect(response.json?["sealed"] == false)
                #expect(response.json?["cluster_name"]?.stringValue?.hasPrefix("vault-cluster-") == true)
            }
            try await client.execute(uri: "/v1/sys/health", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test("sealing needs a root token; after it every logical path is 503")
    func sealing() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/seal", method: .put) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/v1/sys/seal", method: .put, headers: rootHeaders) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/v1/secret/data/x", method: .get, headers: rootHeaders) {
                #expect($0.status == .serviceUnavailable)
            }
            try await client.execute(uri: "/v1/sys/leader", method: .get) { #expect($0.json == ["ha_enabled": false]) }
            try await client.execute(uri: "/v1/sys/seal-status", method: .get) { response in
                #expect(response.json?["sealed"] == true)
                #expect(response.json?["cluster_name"] == nil)
            }
        }
    }
}
