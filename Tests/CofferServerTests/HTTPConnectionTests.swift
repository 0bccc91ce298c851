import CofferTesting
import Testing

/// One connection carrying several requests, through the channel production
/// serves (`VaultHTTP1Channel`): the rules `RequestStateMachineTests` checks
/// without a channel, seen from a client's socket.
@Suite struct HTTPConnectionTests {
    static func request(_ line: String, _ headers: String = "") -> String {
        "\(line) HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: \(TestCore.rootToken)\r\n\(headers)\r\n"
    }

    /// The status lines of `output`, in the order they were written. Split on
    /// LF alone: an answer's JSON body ends with one, right before the next
    /// answer's status line.
    static func statusLines(_ output: String) -> [String] {
        // On bytes: a Swift string takes CR LF for one character.
        output.utf8.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0.dropLast(), as: UTF8.self) }.filter {
            $0.hasPrefix("HTTP/1.1 ")
        }
    }

    @Test("pipelined requests, LIST among them, are answered in order; nothing after Connection: close is")
    func pipelined() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let output = try await client.exchange(
                Self.request("GET /v1/sys/seal-status") + Self.request("LIST /v1/secret/metadata/none")
                    + Self.request("GET /v1/sys/mounts", "Connection: close\r\n") + Self.request("PUT /v1/sys/seal")
            )
            #expect(Self.statusLines(output) == ["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"])
            let sealStatus = try #require(output.range(of: "\"sealed\":false"))
            let mounts = try #require(output.range(of: "\"secret/\""))
            #expect(sealStatus.lowerBound < mounts.lowerBound)
            #expect(output.contains("Connection: close\r\n"))
            // The seal request sent after the closing one was never carried out.
            let after = try await client.execute(uri: "/v1/sys/seal-status", method: .get) { $0 }
            #expect(after.json?["sealed"] == false)
        }
    }

    @Test("a HEAD answer is its head alone")
    func head() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let output = try await client.exchange(Self.request("HEAD /v1/sys/health", "Connection: close\r\n"))
            #expect(Self.statusLines(output) == ["HTTP/1.1 200 OK"])
            #expect(output.hasSuffix("\r\n\r\n") && !output.contains("initialized"))
        }
    }

    @Test("input the parser cannot read gets a 400 after the answers before it, then the connection closes")
    func unparseableAfterGood() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            let output = try await client.exchange(Self.request("GET /v1/sys/health") + "G@T /v1/sys/health HTTP/1.1\r\n\r\n")
            #expect(Self.statusLines(output) == ["HTTP/1.1 200 OK", "HTTP/1.1 400 Bad Request"])
        }
    }
}
