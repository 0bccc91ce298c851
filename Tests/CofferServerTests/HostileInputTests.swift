import CofferCore
import CofferMountKit
import CofferTesting
import Foundation
import HTTPTypes
import NIOCore
import Testing

/// Requests that used to trap the whole process (issue 12, item 1) now get a
/// 400 in Vault's envelope, and the server answers the next request.
@Suite struct HostileInputTests {
    @Test(
        "sys/health status codes outside 100-599 are a 400, not a trap",
        arguments: [
            "activecode=1000", "activecode=-1", "activecode=0", "activecode=99", "sealedcode=600",
            "standbycode=9223372036854775807", "uninitcode=99999999999999999999",
        ])
    func healthCodeRange(query: String) async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/health?\(query)", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.json?["errors"] != nil)
            }
            try await client.execute(uri: "/v1/sys/health?activecode=599", method: .get) { #expect($0.status.code == 599) }
        }
    }

    @Test("an unseal key of fullwidth hex digits is refused, not force-unwrapped")
    func fullwidthUnsealKey() async throws {
        let (core, _) = try await TestCore.unsealedWithKey()
        try await withAPI(core) { client in
            try await client.execute(uri: "/v1/sys/seal", method: .put, headers: rootHeaders) { #expect($0.status == .noContent) }
            // "０" is a hex digit to `Character.isHexDigit`, not to `UInt8(_:radix:)`.
            try await client.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["key": "０１２３"])) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["'key' must be a valid hex or base64 string"])
            }
            try await client.execute(uri: "/v1/sys/seal-status", method: .get) { #expect($0.json?["sealed"] == true) }
        }
    }

    @Test(
        "durations and numbers too large for Int64 in a body or header are a 400",
        arguments: [
            ("/v1/auth/token/create", #"{"ttl": 9223372036854775807}"#),
            ("/v1/auth/token/create", #"{"ttl": "99999999999999999999h"}"#),
            ("/v1/auth/token/create", #"{"ttl": 1e300}"#),
            ("/v1/auth/token/create", #"{"num_uses": 1e19}"#),
            ("/v1/auth/token/create", #"{"period": "9223372036854775807", "explicit_max_ttl": 1e19}"#),
            ("/v1/secret/config", #"{"delete_version_after": 9223372036854775807}"#),
            ("/v1/secret/metadata/x", #"{"delete_version_after": "99999999999999999999h", "max_versions": 1e19}"#),
            ("/v1/sys/mounts/big", #"{"type": "kv", "config": {"default_lease_ttl": 1e300}}"#),
        ])
    func hugeNumbers(path: String, body: String) async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: path, method: .post, headers: rootHeaders, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                #expect(response.json?["errors"] != nil)
            }
            try await client.execute(uri: "/v1/sys/health", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("a wrap TTL header too long for a Go duration is a 400", arguments: ["99999999999999999999h", "9223372036854775807", "1e19"])
    func hugeWrapTTL(header: String) async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            var headers = rootHeaders
            headers[HTTPField.Name("X-Vault-Wrap-TTL")!] = header
            try await client.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: headers) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test("mount options given as huge numbers are kept, not converted with a trap")
    func hugeMountOption() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let body = #"{"type": "kv", "options": {"version": 1e19}}"#
            try await client.execute(uri: "/v1/sys/mounts/opt", method: .post, headers: rootHeaders, body: ByteBuffer(string: body)) {
                response in
                #expect(response.status.code < 500)
            }
        }
    }

    @Test(
        "AppRole role fields OpenBao refuses with a 400 are a 400 here too, not a 500",
        arguments: [
            ("/v1/auth/approle/role/r", #"{"token_num_uses": -1}"#),
            ("/v1/auth/approle/role/r", #"{"secret_id_num_uses": -1}"#),
            ("/v1/auth/approle/role/r", #"{"token_bound_cidrs": "0"}"#),
            ("/v1/auth/approle/role/r", #"{"token_ttl": "99999999999999999999h"}"#),
            ("/v1/auth/approle/role/r/role-id", #"{"role_id": ""}"#),
        ])
    func appRoleFieldErrors(path: String, body: String) async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/auth/approle", method: .post, headers: rootHeaders, body: jsonBody(["type": "approle"]))
            { _ in }
            try await client.execute(
                uri: "/v1/auth/approle/role/r", method: .post, headers: rootHeaders, body: jsonBody(["token_policies": "default"])
            ) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: path, method: .post, headers: rootHeaders, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}
