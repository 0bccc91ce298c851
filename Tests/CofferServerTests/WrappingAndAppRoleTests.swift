import CofferCore
import CofferEncoding
import CofferMountKit
import CofferTesting
import Foundation
import HTTPTypes
import NIOCore
import Testing

/// Response wrapping and AppRole through the HTTP API (spec/vault-api.md §2.5, §4.9, §7).
@Suite struct WrappingAndAppRoleTests {
    func headers(_ token: String, wrap: String? = nil) -> HTTPFields {
        var fields: HTTPFields = [HTTPField.Name("X-Vault-Token")!: token]
        if let wrap { fields[HTTPField.Name("X-Vault-Wrap-TTL")!] = wrap }
        return fields
    }

    @Test("a wrapped KV read unwraps once; the wrapping token can do nothing else")
    func wrapKVRead() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/secret/data/app", method: .post, headers: rootHeaders, body: jsonBody(["data": ["pw": "s3cr3t"]])
            ) { _ in }
            let wrapped = try await client.execute(
                uri: "/v1/secret/data/app", method: .get, headers: headers(TestCore.rootToken, wrap: "1m0s")
            ) { $0 }
            #expect(wrapped.json?["request_id"] == "")
            #expect(wrapped.json?["data"] == .null)
            #expect(wrapped.json?["wrap_info"]?["ttl"] == 60)
            #expect(wrapped.json?["wrap_info"]?["creation_path"] == "secret/data/app")
            let token = try #require(wrapped.json?["wrap_info"]?["token"]?.stringValue)

            try await client.execute(uri: "/v1/sys/wrapping/lookup", method: .post, body: jsonBody(["token": .string(token)])) { response in
                #expect(response.json?["data"]?["creation_ttl"] == 60)
            }
            try await client.execute(uri: "/v1/sys/wrapping/unwrap", method: .post, headers: headers(token)) { response in
                #expect(response.status == .ok)
                #expect(response.json?["data"]?["data"] == ["pw": "s3cr3t"])
                #expect(response.json?["request_id"]?.stringValue?.isEmpty == false)
            }
            // Spent: a 400 as OpenBao gives, not a policy's 403, so a runner can tell the two apart.
            try await client.execute(uri: "/v1/sys/wrapping/unwrap", method: .post, headers: headers(token)) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["wrapping token is not valid or does not exist"])
            }
            try await client.execute(
                uri: "/v1/sys/wrapping/unwrap", method: .post, headers: rootHeaders, body: jsonBody(["token": .string(token)])
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["wrapping token is not valid or does not exist"])
            }
        }
    }

    @Test("a wrapping token used anywhere else is refused and spent")
    func wrappingTokenElsewhere() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let wrapped = try await client.execute(
                uri: "/v1/sys/wrapping/wrap", method: .post, headers: headers(TestCore.rootToken, wrap: "60"), body: jsonBody(["k": "v"])
            ) { $0 }
            let token = try #require(wrapped.json?["wrap_info"]?["token"]?.stringValue)
            try await client.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: headers(token)) { response in
                #expect(response.status == .forbidden)
                #expect(response.errors == ["1 error occurred:\n\t* permission denied\n\n"])
            }
            try await client.execute(uri: "/v1/sys/wrapping/unwrap", method: .post, headers: headers(token)) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["wrapping token is not valid or does not exist"])
            }
        }
    }

    @Test("wrap needs the header; bad wrap TTLs are 400")
    func wrapErrors() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/wrapping/wrap", method: .post, headers: rootHeaders, body: jsonBody(["k": "v"])) {
                response in
                #expect(response.errors == ["endpoint requires response wrapping to be used"])
            }
            try await client.execute(
                uri: "/v1/sys/wrapping/wrap", method: .post, headers: headers(TestCore.rootToken, wrap: "abc"), body: jsonBody(["k": "v"])
            ) { response in
                #expect(response.errors == ["error parsing X-Vault-Wrap-TTL header: time: invalid duration \"abc\""])
            }
            try await client.execute(
                uri: "/v1/sys/wrapping/wrap", method: .post, headers: headers(TestCore.rootToken, wrap: "-5"), body: jsonBody(["k": "v"])
            ) { response in
                #expect(response.errors == ["error parsing X-Vault-Wrap-TTL header: requested wrap ttl cannot be negative"])
            }
        }
    }

    @Test("rewrap replaces the token; the old one is dead")
    func rewrap() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let wrapped = try await client.execute(
                uri: "/v1/sys/wrapping/wrap", method: .post, headers: headers(TestCore.rootToken, wrap: "5m"), body: jsonBody(["k": "v"])
            ) { $0 }
            let old = try #require(wrapped.json?["wrap_info"]?["token"]?.stringValue)
            let rewrapped = try await client.execute(
                uri: "/v1/sys/wrapping/rewrap", method: .post, headers: rootHeaders, body: jsonBody(["token": .string(old)])
            ) { $0 }
            let new = try #require(rewrapped.json?["wrap_info"]?["token"]?.stringValue)
            #expect(rewrapped.json?["wrap_info"]?["creation_path"] == "sys/wrapping/wrap")
            try await client.execute(
                uri: "/v1/sys/wrapping/unwrap", method: .post, headers: rootHeaders, body: jsonBody(["token": .string(old)])
            ) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/v1/sys/wrapping/unwrap", method: .post, headers: headers(new)) { response in
                #expect(response.json?["data"] == ["k": "v"])
            }
        }
    }

    func setUpAppRole(_ client: APITestClient, _ role: JSONValue) async throws -> String {
        try await client.execute(uri: "/v1/sys/auth/approle", method: .post, headers: rootHeaders, body: jsonBody(["type": "approle"])) {
            _ in
        }
        try await client.execute(uri: "/v1/auth/approle/role/runner", method: .post, headers: rootHeaders, body: jsonBody(role)) {
            #expect($0.status == .noContent)
        }
        return try await client.execute(uri: "/v1/auth/approle/role/runner/role-id", method: .get, headers: rootHeaders) {
            $0.json?["data"]?["role_id"]?.stringValue ?? ""
        }
    }

    @Test("50 concurrent logins with one single-use secret ID: exactly one succeeds")
    func singleUseUnderRace() async throws {
        let core = try await TestCore.unsealed()
        try await withAPI(core) { client in
            let roleID = try await setUpAppRole(client, ["token_policies": "default", "secret_id_num_uses": 1])
            let secretID = try await client.execute(uri: "/v1/auth/approle/role/runner/secret-id", method: .post, headers: rootHeaders) {
                $0.json?["data"]?["secret_id"]?.stringValue ?? ""
            }
            let successes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        let request = CofferCore.Request(
                            operation: .write, path: "auth/approle/login",
                            data: ["role_id": .string(roleID), "secret_id": .string(secretID)])
                        if case .logical = await core.handle(request) { return true }
                        return false
                    }
                }
                var count = 0
                for await ok in group where ok { count += 1 }
                return count
            }
            #expect(successes == 1)
        }
    }

    @Test("wrapped secret ID: unwrap once, log in once, with the role's policies")
    func airGappedFlow() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let roleID = try await setUpAppRole(client, ["token_policies": "default", "secret_id_num_uses": 1, "token_ttl": "20m"])
            let wrapped = try await client.execute(
                uri: "/v1/auth/approle/role/runner/secret-id", method: .post, headers: headers(TestCore.rootToken, wrap: "60s")
            ) { $0 }
            let accessor = wrapped.json?["wrap_info"]?["wrapped_accessor"]?.stringValue
            let wrapping = try #require(wrapped.json?["wrap_info"]?["token"]?.stringValue)
            let secretID = try await client.execute(uri: "/v1/sys/wrapping/unwrap", method: .post, headers: headers(wrapping)) { response in
                #expect(response.json?["data"]?["secret_id_accessor"]?.stringValue == accessor)
                return response.json?["data"]?["secret_id"]?.stringValue ?? ""
            }
            let login: JSONValue = ["role_id": .string(roleID), "secret_id": .string(secretID)]
            try await client.execute(uri: "/v1/auth/approle/login", method: .post, body: jsonBody(login)) { response in
                #expect(response.status == .ok)
                #expect(response.json?["auth"]?["metadata"] == ["role_name": "runner"])
                #expect(response.json?["auth"]?["lease_duration"] == 1200)
            }
            try await client.execute(uri: "/v1/auth/approle/login", method: .post, body: jsonBody(login)) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["invalid role or secret ID"])
            }
            try await client.execute(uri: "/v1/auth/approle/login", method: .post, body: jsonBody(["secret_id": "x"])) { response in
                #expect(response.status == .internalServerError)
                #expect(response.errors == ["missing role_id"])
            }
        }
    }

    @Test("a secret ID of another role does not log in to this one")
    func secretOfAnotherRole() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let roleID = try await setUpAppRole(client, ["token_policies": "default"])
            try await client.execute(
                uri: "/v1/auth/approle/role/other", method: .post, headers: rootHeaders, body: jsonBody(["token_policies": "default"])
            ) { _ in }
            let otherSecret = try await client.execute(uri: "/v1/auth/approle/role/other/secret-id", method: .post, headers: rootHeaders) {
                $0.json?["data"]?["secret_id"]?.stringValue ?? ""
            }
            try await client.execute(
                uri: "/v1/auth/approle/login", method: .post,
                body: jsonBody(["role_id": .string(roleID), "secret_id": .string(otherSecret)])
            ) { response in
                #expect(response.errors == ["invalid role or secret ID"])
            }
        }
    }

    @Test("role validation errors are 500s, as OpenBao's AppRole gives them")
    func roleValidation() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/auth/approle", method: .post, headers: rootHeaders, body: jsonBody(["type": "approle"]))
            { _ in }
            try await client.execute(
                uri: "/v1/auth/approle/role/bad", method: .post, headers: rootHeaders,
                body: jsonBody(["secret_id_bound_cidrs": "not-a-cidr"])
            ) { response in
                #expect(response.status == .internalServerError)
                #expect(response.errors == ["failed to validate CIDR blocks: invalid CIDR address: not-a-cidr"])
            }
            try await client.execute(
                uri: "/v1/auth/approle/role/bad", method: .post, headers: rootHeaders, body: jsonBody(["bind_secret_id": false])
            ) { response in
                #expect(response.errors == ["at least one constraint should be enabled on the role"])
            }
        }
    }
}
