import CofferCore
import CofferMountKit
import CofferTesting
import HTTPTypes
import NIOCore
import Testing

/// The request and response conventions of spec/vault-api.md §1-2.
@Suite struct ConventionTests {
    @Test("every answer carries Content-Type application/json and Cache-Control no-store, 204s too")
    func standardHeaders() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            for (uri, method, body) in [
                ("/v1/sys/health", HTTPRequest.Method.get, nil), ("/v1/secret/data/x", .post, jsonBody(["data": ["a": "b"]])),
                ("/v1/sys/mounts/extra", .post, jsonBody(["type": "kv"])), ("/v1/nope", .get, nil),
            ] as [(String, HTTPRequest.Method, ByteBuffer?)] {
                try await client.execute(uri: uri, method: method, headers: rootHeaders, body: body) { response in
                    #expect(response.headers[.contentType] == "application/json")
                    #expect(response.headers[.cacheControl] == "no-store")
                }
            }
        }
    }

    @Test("paths outside /v1/ are 404 with an empty error list")
    func notUnderV1() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v2/sys/health", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.errors == [])
            }
        }
    }

    @Test("an unknown mount is 404 with a token, 403 without")
    func unknownMount() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/nonexistent/foo", method: .get, headers: rootHeaders) { response in
                #expect(response.status == .notFound)
                #expect(response.errors == ["no handler for route \"nonexistent/foo\". route entry not found."])
            }
            try await client.execute(uri: "/v1/nonexistent/foo", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(response.errors == ["permission denied"])
            }
        }
    }

    @Test("a missing or unknown token is 403 permission denied, never 401")
    func badTokens() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/secret/data/x", method: .get) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/v1/secret/data/x", method: .get, headers: [HTTPField.Name("X-Vault-Token")!: "s.unknown"]) {
                response in
                #expect(response.status == .forbidden)
                #expect(response.errors == ["permission denied"])
            }
        }
    }

    @Test("Authorization Bearer works as a token header; X-Vault-Token wins when both are sent")
    func bearerToken() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/mounts", method: .get, headers: [.authorization: "Bearer \(TestCore.rootToken)"]) {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "/v1/sys/mounts", method: .get,
                headers: [.authorization: "Bearer wrong", HTTPField.Name("X-Vault-Token")!: TestCore.rootToken]
            ) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/v1/sys/mounts", method: .get, headers: [.authorization: "Basic \(TestCore.rootToken)"]) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test("malformed JSON and a JSON array are 400 and write nothing")
    func malformedBodies() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/secret/data/x", method: .post, headers: rootHeaders, body: ByteBuffer(string: "{\"data\": {")
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["failed to decode JSON input: unexpected EOF"])
            }
            try await client.execute(uri: "/v1/secret/data/x", method: .post, headers: rootHeaders, body: ByteBuffer(string: "[1]")) {
                response in
                #expect(response.status == .badRequest)
                #expect(response.errors?.first?.contains("cannot unmarshal array") == true)
            }
            try await client.execute(uri: "/v1/secret/data/x", method: .get, headers: rootHeaders) { #expect($0.status == .notFound) }
        }
    }

    @Test("unknown methods are 405, OPTIONS is 400, PATCH needs merge-patch")
    func methods() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/secret/data/x", method: HTTPRequest.Method("FOO")!, headers: rootHeaders) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.errors == [])
            }
            try await client.execute(uri: "/v1/secret/data/x", method: .options) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["cannot handle internal-only request operation"])
            }
            try await client.execute(
                uri: "/v1/secret/data/x", method: .patch, headers: rootHeaders.merging([.contentType: "application/json"]),
                body: jsonBody(["data": [:]])
            ) { response in
                #expect(response.status == .unsupportedMediaType)
            }
        }
    }

    @Test("LIST and GET ?list=true both list; a bad list flag is 400")
    func listSpellings() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/secret/data/ci/db", method: .post, headers: rootHeaders, body: jsonBody(["data": ["a": "b"]])
            ) { #expect($0.status == .ok) }
            for uri in ["/v1/secret/metadata/ci?list=true", "/v1/secret/metadata/ci/?list=true"] {
                try await client.execute(uri: uri, method: .get, headers: rootHeaders) { response in
                    #expect(response.json?["data"]?["keys"] == ["db"])
                }
            }
            try await client.execute(uri: "/v1/secret/metadata/ci", method: HTTPRequest.Method("LIST")!, headers: rootHeaders) { response in
                #expect(response.json?["data"]?["keys"] == ["db"])
            }
            try await client.execute(uri: "/v1/secret/metadata/ci?list=maybe", method: .get, headers: rootHeaders) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == [])
            }
            try await client.execute(uri: "/v1/secret/metadata/nothing", method: HTTPRequest.Method("LIST")!, headers: rootHeaders) {
                response in
                #expect(response.status == .notFound)
                #expect(response.errors == [])
            }
        }
    }

    @Test("a double slash redirects to the clean path")
    func doubleSlash() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/secret//data/x", method: .get) { response in
                #expect(response.status == .temporaryRedirect)
                #expect(response.headers[.location] == "/v1/secret/data/x")
            }
        }
    }

    @Test("writing to a path that ends in a slash is refused")
    func trailingSlashWrite() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/mounts/trail/", method: .post, headers: rootHeaders, body: jsonBody(["type": "kv"])) {
                response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["cannot write to a path ending in '/'"])
            }
        }
    }

    @Test("an unknown namespace is 404; root is accepted and echoed")
    func namespaces() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let ns = HTTPField.Name("X-Vault-Namespace")!
            try await client.execute(uri: "/v1/sys/mounts", method: .get, headers: rootHeaders.merging([ns: "team-a"])) { response in
                #expect(response.status == .notFound)
                #expect(response.errors == ["namespace not found"])
            }
            try await client.execute(uri: "/v1/sys/mounts", method: .get, headers: rootHeaders.merging([ns: "root/"])) { response in
                #expect(response.status == .ok)
                #expect(response.headers[ns] == "root/")
            }
        }
    }

    @Test("the envelope always has all eight keys")
    func envelopeShape() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/internal/ui/mounts/secret/ci/db", method: .get, headers: rootHeaders) { response in
                let object = try #require(response.json?.objectValue)
                for key in ["request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info", "warnings", "auth"] {
                    #expect(object[key] != nil, "missing \(key)")
                }
                #expect(String(buffer: response.body).hasSuffix("\n"))
            }
        }
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var result = self
        result.append(contentsOf: other)
        return result
    }
}
