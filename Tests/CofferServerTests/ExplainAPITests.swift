import CofferCore
import CofferEncoding
import CofferMountKit
import CofferTesting
import Foundation
import HTTPTypes
import NIOCore
import Testing

/// `sys/explain/request` and `sys/explain/login` through the HTTP API (issue 17).
@Suite struct ExplainAPITests {
    /// One row of Tests/Fixtures/acl-cases.json (the table ACLTableTests runs).
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        struct DecidedBy: Decodable, Sendable {
            let rule: String?
            let kind: String?
            let policies: [String]
        }
        let name: String
        let policies: [String]
        let path: String
        let operation: String
        let allowed: Bool
        let capabilities: [String]?
        let decidedBy: DecidedBy
        var testDescription: String { name }

        enum CodingKeys: String, CodingKey {
            case name, policies, path, operation, allowed, capabilities
            case decidedBy = "decided_by"
        }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/acl-cases.json")
        struct File: Decodable { let cases: [Case] }
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    func headers(_ token: String) -> HTTPFields { [HTTPField.Name("X-Vault-Token")!: token] }

    func explain(_ client: APITestClient, _ body: JSONValue, token: String = TestCore.rootToken) async throws -> APITestResponse {
        try await client.execute(uri: "/v1/sys/explain/request", method: .put, headers: headers(token), body: jsonBody(body)) { $0 }
    }

    @Test("the ACL table has every case")
    func tableSize() {
        #expect(Self.cases.count >= 40)
    }

    /// A server per case: each case's policies alone, and no connection left
    /// over from the one before.
    @Test(
        "explain request agrees with the ACL table on every case, names the deciding rule, and its minimal policy allows", arguments: cases)
    func agreesWithTheACLTable(_ testCase: Case) async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            var names: [String] = []
            for (number, text) in testCase.policies.enumerated() {
                try await client.execute(
                    uri: "/v1/sys/policies/acl/p\(number)", method: .put, headers: rootHeaders, body: jsonBody(["policy": .string(text)])
                ) { #expect($0.status == .noContent, "policy \(number) refused") }
                names.append("p\(number)")
            }
            let answer = try await explain(
                client,
                ["path": .string(testCase.path), "operation": .string(testCase.operation), "policies": JSONValue(names + ["default"])])
            let data = try #require(answer.json?["data"], "\(answer.status)")
            #expect(data["allowed"] == .bool(testCase.allowed))
            #expect(data["decided_by"]?["rule"]?.stringValue == testCase.decidedBy.rule)
            #expect(data["decided_by"]?["kind"]?.stringValue == testCase.decidedBy.kind)
            #expect(data["deciding_policies"]?.arrayValue?.compactMap(\.stringValue) == testCase.decidedBy.policies)
            if let capabilities = testCase.capabilities, testCase.operation != "list" {
                #expect(data["capabilities"] == JSONValue(capabilities))
            }
            // The policy explain proposes allows the request on its own.
            let minimal = try #require(data["minimal_policy"]?.stringValue)
            try await client.execute(
                uri: "/v1/sys/policies/acl/minimal", method: .put, headers: rootHeaders, body: jsonBody(["policy": .string(minimal)])
            ) { #expect($0.status == .noContent, "minimal policy refused") }
            let retried = try await explain(
                client, ["path": .string(testCase.path), "operation": .string(testCase.operation), "policies": ["minimal"]])
            #expect(retried.json?["data"]?["allowed"] == true, "the minimal policy does not allow the request")
        }
    }

    @Test("a denial names the rule that lost and why; a token's policies are explained without echoing the token")
    func outrankedRules() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let policy =
                "path \"secret/data/ci/*\" { capabilities = [\"read\"] }\npath \"secret/data/ci/staging/*\" { capabilities = [\"deny\"] }"
            try await client.execute(
                uri: "/v1/sys/policies/acl/ci", method: .put, headers: rootHeaders, body: jsonBody(["policy": .string(policy)])
            ) { _ in }
            let token = try await client.execute(
                uri: "/v1/auth/token/create", method: .post, headers: rootHeaders, body: jsonBody(["policies": ["ci"]])
            ) { try #require($0.json?["auth"]?["client_token"]?.stringValue) }
            let answer = try await explain(client, ["path": "secret/data/ci/staging/db", "operation": "GET", "token": .string(token)])
            let data = try #require(answer.json?["data"])
            #expect(data["allowed"] == false)
            #expect(data["decided_by"]?["rule"] == "secret/data/ci/staging/*")
            #expect(data["deciding_policies"] == ["ci"])
            let outranked = data["outranked"]?.arrayValue?.first
            #expect(outranked?["rule"] == "secret/data/ci/*")
            #expect(outranked?["reason"] == "a longer prefix rule matched")
            #expect(data["failed_check"] == "capability")
            #expect(data["capabilities"] == ["deny"])
            #expect(data["minimal_policy"] == "path \"secret/data/ci/staging/db\" {\n  capabilities = [\"read\"]\n}\n")
            let leaked = String(buffer: answer.body).contains(token)
            #expect(!leaked, "the explanation echoes the token")
            // A write asks the mount whether the key exists: create before, update after.
            let create = try await explain(client, ["path": "secret/data/new", "operation": "PUT", "policies": ["ci"]])
            #expect(create.json?["data"]?["capability"] == ["create"])
        }
    }

    @Test("bad input gets Vault's error envelope and a 400")
    func badInput() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let cases: [(JSONValue, String?)] = [
                (["operation": "read"], "missing path"),
                (
                    ["path": "a", "operation": "fly"],
                    "unknown operation \"fly\": read, list, create, update, delete, patch, or an HTTP method"
                ),
                (["path": "a", "policies": ["nope"]], "policy \"nope\" does not exist"),
                (["path": "a", "token": "not-a-token"], "invalid token"),
                (["path": ["x"]], nil),
            ]
            for (body, message) in cases {
                let answer = try await explain(client, body)
                #expect(answer.status == .badRequest)
                if let message { #expect(answer.errors == [message]) }
            }
            try await client.execute(
                uri: "/v1/sys/explain/login", method: .put, headers: rootHeaders, body: jsonBody(["mount": "nowhere", "role": "x"])
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["no auth method is enabled at auth/nowhere/"])
            }
            try await client.execute(
                uri: "/v1/sys/explain/login", method: .put, headers: rootHeaders, body: jsonBody(["mount": "token"])
            ) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}
