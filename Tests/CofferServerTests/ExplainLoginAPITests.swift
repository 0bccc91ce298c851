import CofferCore
import CofferEncoding
import CofferMountKit
import CofferTesting
import Foundation
import HTTPTypes
import NIOCore
import Testing

/// `sys/explain/login`, `sys/lint` and refused logins through the HTTP API:
/// sudo only, audited with no secret value, nothing spent (issue 17).
@Suite struct ExplainLoginAPITests {
    func headers(_ token: String) -> HTTPFields { [HTTPField.Name("X-Vault-Token")!: token] }

    func logPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("explain-audit-\(UUID().uuidString).log").path
    }

    /// An AppRole mount with role `runner` and one single-use secret ID.
    func appRole(_ client: APITestClient) async throws -> (roleID: String, secretID: String) {
        try await client.execute(uri: "/v1/sys/auth/approle", method: .post, headers: rootHeaders, body: jsonBody(["type": "approle"])) {
            #expect($0.status == .noContent)
        }
        try await client.execute(
            uri: "/v1/auth/approle/role/runner", method: .post, headers: rootHeaders,
            body: jsonBody(["token_policies": ["ci"], "secret_id_num_uses": 1, "secret_id_ttl": "10m"])
        ) { #expect($0.status == .noContent) }
        let roleID = try await client.execute(uri: "/v1/auth/approle/role/runner/role-id", method: .get, headers: rootHeaders) {
            try #require($0.json?["data"]?["role_id"]?.stringValue)
        }
        let secretID = try await client.execute(uri: "/v1/auth/approle/role/runner/secret-id", method: .post, headers: rootHeaders) {
            try #require($0.json?["data"]?["secret_id"]?.stringValue)
        }
        return (roleID, secretID)
    }

    func token(_ client: APITestClient, policy: String, text: String) async throws -> String {
        try await client.execute(
            uri: "/v1/sys/policies/acl/\(policy)", method: .put, headers: rootHeaders, body: jsonBody(["policy": .string(text)])
        ) { #expect($0.status == .noContent) }
        return try await client.execute(
            uri: "/v1/auth/token/create", method: .post, headers: rootHeaders, body: jsonBody(["policies": [.string(policy)]])
        ) { try #require($0.json?["auth"]?["client_token"]?.stringValue) }
    }

    @Test("explain and lint need sudo, are audited, show no secret value, and spend no secret-ID use")
    func sudoAuditNoSpend() async throws {
        let path = logPath()
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/sys/audit/file", method: .put, headers: rootHeaders,
                body: jsonBody(["type": "file", "options": ["file_path": .string(path)]])
            ) { #expect($0.status == .noContent) }
            let (roleID, secretID) = try await appRole(client)
            let grants = "path \"sys/explain/*\" { capabilities = [\"update\"] }\npath \"sys/lint\" { capabilities = [\"read\"] }"
            let withoutSudo = try await token(client, policy: "explainer", text: grants)
            let withSudo = try await token(
                client, policy: "explainer-sudo", text: grants.replacingOccurrences(of: "]", with: ", \"sudo\"]"))
            let login: JSONValue = ["mount": "approle", "role_id": .string(roleID), "secret_id": .string(secretID)]
            let calls: [(String, HTTPRequest.Method, JSONValue?)] = [
                ("/v1/sys/explain/login", .put, login),
                ("/v1/sys/explain/request", .put, ["path": "secret/data/x", "operation": "read", "policies": ["default"]]),
                ("/v1/sys/lint", .get, nil),
            ]
            for (uri, method, body) in calls {
                try await client.execute(uri: uri, method: method, headers: headers(withoutSudo), body: body.map(jsonBody)) { response in
                    #expect(response.status == .forbidden, "\(uri) without sudo")
                    #expect(response.errors == ["1 error occurred:\n\t* permission denied\n\n"])
                }
                try await client.execute(uri: uri, method: method, headers: headers(withSudo), body: body.map(jsonBody)) { response in
                    #expect(response.status == .ok, "\(uri) with sudo")
                }
            }
            // Explained twice (and once refused without sudo): the single use is still there.
            try await client.execute(uri: "/v1/sys/explain/login", method: .put, headers: rootHeaders, body: jsonBody(login)) { response in
                let data = response.json?["data"]
                #expect(data?["allowed"] == true)
                #expect(data?["role"] == "runner")
                #expect(data?["mount"] == "auth/approle/")
                let leaked = String(buffer: response.body).contains(secretID) || String(buffer: response.body).contains(roleID)
                #expect(!leaked, "the explanation shows a credential")
            }
            try await client.execute(
                uri: "/v1/auth/approle/login", method: .post, body: jsonBody(["role_id": .string(roleID), "secret_id": .string(secretID)])
            ) { #expect($0.status == .ok) }

            let text = try String(contentsOfFile: path, encoding: .utf8)
            let lines = text.split(separator: "\n").compactMap { try? JSONValue.parse(Data($0.utf8)) }
            for uri in ["sys/explain/login", "sys/explain/request", "sys/lint"] {
                #expect(lines.filter { $0["request"]?["path"]?.stringValue == uri && $0["type"] == "response" }.count >= 2, "\(uri)")
                #expect(lines.contains { $0["request"]?["path"]?.stringValue == uri && $0["auth"]?["policy_results"]?["allowed"] == false })
            }
            let leaked = [secretID, roleID, withSudo, withoutSudo, TestCore.rootToken].contains { text.contains($0) }
            #expect(!leaked, "the audit log shows a secret value")
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test("a locked-out role ID is explained as the core refuses it: the lockout check first, and nothing after it")
    func lockedOutAliasIsExplained() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let (roleID, secretID) = try await appRole(client)
            try await client.execute(
                uri: "/v1/sys/auth/approle/tune", method: .post, headers: rootHeaders,
                body: jsonBody(["user_lockout_config": ["lockout_threshold": "2", "lockout_duration": "10m"]])
            ) { #expect($0.status == .noContent || $0.status == .ok) }
            let login: JSONValue = ["mount": "approle", "role_id": .string(roleID), "secret_id": .string(secretID)]
            func explained() async throws -> JSONValue? {
                try await client.execute(uri: "/v1/sys/explain/login", method: .put, headers: rootHeaders, body: jsonBody(login)) {
                    $0.json?["data"]
                }
            }
            let before = try await explained()
            #expect(before?["allowed"] == true)
            #expect(
                before?["checks"]?.arrayValue?.first?["name"] == "user_lockout"
                    && before?["checks"]?.arrayValue?.first?["outcome"] == "passed")
            for _ in 0..<2 {
                try await client.execute(
                    uri: "/v1/auth/approle/login", method: .post,
                    body: jsonBody(["role_id": .string(roleID), "secret_id": "never-issued"])
                ) { #expect($0.status == .badRequest) }
            }
            let locked = try #require(try await explained())
            #expect(locked["allowed"] == false)
            #expect(locked["refusal"] == ["permission denied"])
            #expect(locked["checks"]?.arrayValue?.count == 1)
            let check = try #require(locked["checks"]?.arrayValue?.first)
            #expect(check["name"] == "user_lockout" && check["outcome"] == "failed")
            #expect(check["actual"]?.stringValue?.hasPrefix("locked after 2 failed logins, until ") == true)
            // The real login agrees: refused with the right secret ID.
            try await client.execute(
                uri: "/v1/auth/approle/login", method: .post, body: jsonBody(["role_id": .string(roleID), "secret_id": .string(secretID)])
            ) { #expect($0.status == .forbidden) }
        }
    }

    @Test("a refused login keeps Vault's message; its audit line says which check refused it")
    func refusedLoginIsExplainedInTheAuditLog() async throws {
        let path = logPath()
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/sys/audit/file", method: .put, headers: rootHeaders,
                body: jsonBody(["type": "file", "options": ["file_path": .string(path)]])
            ) { #expect($0.status == .noContent) }
            let (roleID, _) = try await appRole(client)
            let wrong = "a-secret-id-that-was-never-issued"
            try await client.execute(
                uri: "/v1/auth/approle/login", method: .post, body: jsonBody(["role_id": .string(roleID), "secret_id": .string(wrong)])
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["invalid role or secret ID"])
                #expect(!String(buffer: response.body).contains("explain"))
            }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let lines = text.split(separator: "\n").compactMap { try? JSONValue.parse(Data($0.utf8)) }
            let refusal = try #require(
                lines.first { $0["type"] == "response" && $0["request"]?["path"] == "auth/approle/login" })
            #expect(refusal["error"] == "invalid role or secret ID")
            #expect(
                refusal["explain"]
                    == "approle login refused by secret_id: expected a secret ID issued for role \"runner\", got does not match")
            let leaked = text.contains(wrong) || text.contains(roleID)
            #expect(!leaked, "the audit log shows a credential")
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}
