import CofferCore
import CofferEncoding
import CofferMountKit
import CofferTesting
import Foundation
import HTTPTypes
import NIOCore
import Testing

/// The file audit device (spec/vault-api.md §4.11).
@Suite struct AuditTests {
    func logPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).log").path
    }

    @Test("request and response lines with every secret string HMAC'd; audit-hash matches")
    func linesAreHashed() async throws {
        let path = logPath()
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/sys/audit/file", method: .put, headers: rootHeaders,
                body: jsonBody(["type": "file", "options": ["file_path": .string(path)]])
            ) { #expect($0.status == .noContent) }
            try await client.execute(
                uri: "/v1/secret/data/app", method: .post, headers: rootHeaders,
                body: jsonBody(["data": ["password": "correct-horse", "nested": ["deep": "battery-staple"]]])
            ) { _ in }
            try await client.execute(uri: "/v1/secret/data/app", method: .get, headers: rootHeaders) { _ in }
            // Both hashes must exist: a missing one must fail the test, not compare nil with nil.
            let hash = try #require(try await auditHash(client, "correct-horse"))
            let deepHash = try #require(try await auditHash(client, "battery-staple"))
            #expect(hash.hasPrefix("hmac-sha256:") && deepHash.hasPrefix("hmac-sha256:"))
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let lines = text.split(separator: "\n").compactMap { try? JSONValue.parse(Data($0.utf8)) }
            try #require(lines.count >= 4)
            #expect(!text.contains("correct-horse"))
            #expect(!text.contains("battery-staple"))
            #expect(!text.contains(TestCore.rootToken))
            let read = try #require(lines.last { $0["type"] == "response" && $0["request"]?["operation"] == "read" })
            let password = try #require(read["response"]?["data"]?["data"]?["password"]?.stringValue)
            #expect(password == hash)
            let deep = try #require(read["response"]?["data"]?["data"]?["nested"]?["deep"]?.stringValue)
            #expect(deep == deepHash)
            #expect(read["response"]?["data"]?["metadata"]?["version"] == 1)
            let write = try #require(lines.first { $0["request"]?["path"] == "secret/data/app" })
            #expect(write["request"]?["operation"] == "create")
        }
    }

    func auditHash(_ client: APITestClient, _ input: String) async throws -> String? {
        try await client.execute(
            uri: "/v1/sys/audit-hash/file", method: .post, headers: rootHeaders, body: jsonBody(["input": .string(input)])
        ) {
            $0.json?["data"]?["hash"]?.stringValue
        }
    }

    @Test("each line's time is the core's clock, not the wall clock")
    func injectedClock() async throws {
        let path = logPath()
        let clock = ManualClock(Date(timeIntervalSince1970: 1_700_000_000))
        try await withAPI(try await TestCore.unsealed(clock: clock)) { client in
            try await client.execute(
                uri: "/v1/sys/audit/file", method: .put, headers: rootHeaders,
                body: jsonBody(["type": "file", "options": ["file_path": .string(path)]])
            ) { #expect($0.status == .noContent) }
            clock.advance(by: 90)
            try await client.execute(uri: "/v1/sys/mounts", method: .get, headers: rootHeaders) { _ in }
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap {
                try? JSONValue.parse(Data($0.utf8))
            }
            let mounts = try #require(lines.first { $0["request"]?["path"] == "sys/mounts" })
            #expect(mounts["time"]?.stringValue == Timestamps.rfc3339(clock.now()))
        }
    }

    @Test("with the log unwritable, requests are refused and change nothing")
    func failClosed() async throws {
        let path = logPath()
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(
                uri: "/v1/sys/audit/file", method: .put, headers: rootHeaders,
                body: jsonBody(["type": "file", "options": ["file_path": .string(path)]])
            ) { _ in }
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            try await client.execute(
                uri: "/v1/secret/data/blocked", method: .post, headers: rootHeaders, body: jsonBody(["data": ["a": "b"]])
            ) {
                #expect($0.status == .internalServerError)
            }
            try FileManager.default.removeItem(atPath: path)
            try await client.execute(uri: "/v1/secret/data/blocked", method: .get, headers: rootHeaders) { #expect($0.status == .notFound) }
        }
    }

    @Test("a duplicate device path is refused")
    func duplicate() async throws {
        let path = logPath()
        try await withAPI(try await TestCore.unsealed()) { client in
            let body = jsonBody(["type": "file", "options": ["file_path": .string(path)]])
            try await client.execute(uri: "/v1/sys/audit/file", method: .put, headers: rootHeaders, body: body) { _ in }
            try await client.execute(uri: "/v1/sys/audit/file", method: .put, headers: rootHeaders, body: body) { response in
                #expect(response.errors == ["path already in use"])
            }
        }
    }
}
