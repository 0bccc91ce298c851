import Foundation
import Testing

@testable import CofferStorage

/// What the PostgreSQL backend adds to the shared suite: OpenBao's row layout,
/// its configuration, TLS as production uses it, and safe SQL names.
@Suite struct PostgreSQLStorageTests {
    @Test("keys are laid out as OpenBao's parent path, path and key")
    func keyLayout() {
        #expect(PostgreSQLKeyLayout("a/b/c") == PostgreSQLKeyLayout(parentPath: "/a/", path: "/a/b/", key: "c"))
        #expect(PostgreSQLKeyLayout("a/b") == PostgreSQLKeyLayout(parentPath: "/", path: "/a/", key: "b"))
        #expect(PostgreSQLKeyLayout("top") == PostgreSQLKeyLayout(parentPath: "", path: "/", key: "top"))
        #expect(PostgreSQLKeyLayout("x/y/") == PostgreSQLKeyLayout(parentPath: "/x/", path: "/x/y/", key: ""))
        #expect(PostgreSQLKeyLayout.likePrefix("a_b%c\\") == "a\\_b\\%c\\\\%")
    }

    @Test(
        "table names are plain SQL names, quoted; anything else is refused",
        arguments: [
            ("coffer_kv_store", "\"coffer_kv_store\""), ("vault.kv", "\"vault\".\"kv\""),
            ("kv; DROP TABLE x", nil), ("a\"b", nil), ("", nil), ("1abc", nil), ("a.b.c", nil),
            (String(repeating: "x", count: 64), nil),
        ] as [(String, String?)])
    func identifiers(name: String, quoted: String?) {
        #expect(PostgreSQLIdentifier.quoted(name) == quoted)
    }

    @Test("connection URLs: parts, percent-encoded passwords, sslmode; the password never in the description")
    func connectionURL() throws {
        let url = try PostgreSQLConnectionURL(
            parsing: "postgresql://app:p%40ss%2Fw@db.internal:6432/vault?sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=5")
        #expect(url.host == "db.internal" && url.port == 6432 && url.username == "app" && url.database == "vault")
        #expect(url.password == "p@ss/w")
        #expect(url.sslMode == .verifyFull && url.sslRootCert == "/etc/ca.pem" && url.connectTimeout == 5)
        #expect(!url.description.contains("p@ss"))
        #expect(throws: StorageError.self) { try PostgreSQLConnectionURL(parsing: "mysql://x@y/z") }
        #expect(throws: StorageError.self) { try PostgreSQLConnectionURL(parsing: "postgres://x@y/z?sslmode=bogus") }
        #expect(throws: StorageError.self) { try PostgreSQLConnectionURL(parsing: "postgres://x@y/z?sslmode=verify-ca") }
        #expect(throws: StorageError.self) {
            try PostgreSQLConnectionURL(parsing: "postgres://x@127.0.0.1/z?sslmode=verify-full&sslrootcert=/ca.pem")
        }
        #expect(throws: StorageError.self) { try PostgreSQLConnectionURL(parsing: "postgres://x@y/z?connect_timeout=99999999999999999999") }
    }

    @Test(
        "sslmode=verify-full with the cluster's CA connects; with another CA it is refused",
        .enabled(if: PostgreSQLTestDatabase.isConfigured))
    func tlsVerification() async throws {
        let storage = try await PostgreSQLTestDatabase.freshStorage()
        try await storage.put("tls/check", Data("1".utf8))
        #expect(try await storage.get("tls/check") == Data("1".utf8))

        var wrongCA = try PostgreSQLTestDatabase.settings()
        wrongCA.connection.sslRootCert = try Self.unrelatedCA().path
        wrongCA.connection.connectTimeout = 3
        let refusal = await #expect(throws: StorageError.self) { _ = try await PostgreSQLStorage.open(wrongCA) }
        // Refused at the TLS handshake, not for an unreadable CA file.
        #expect(refusal?.code == .unavailable)
    }

    @Test(
        "a second node on the same table sees the first node's writes, and creating the table twice is harmless",
        .enabled(if: PostgreSQLTestDatabase.isConfigured))
    func twoNodesShareOneTable() async throws {
        let settings = try PostgreSQLTestDatabase.settings()
        async let first = PostgreSQLStorage.open(settings)
        async let second = PostgreSQLStorage.open(settings)
        let (a, b) = try await (first, second)
        try await a.put("shared/key", Data("from a".utf8))
        #expect(try await b.get("shared/key") == Data("from a".utf8))
        #expect(try await b.list(prefix: "shared/") == ["key"])
    }

    @Test("a storage that cannot reach PostgreSQL answers errors, not a crash or a hang")
    func unreachable() async throws {
        var settings = PostgreSQLSettings(
            connection: PostgreSQLConnectionURL(host: "127.0.0.1", port: 1, username: "x", password: nil, database: nil))
        settings.connection.sslMode = .disable
        settings.connection.connectTimeout = 2
        await #expect(throws: StorageError.self) { _ = try await PostgreSQLStorage.open(settings) }
    }

    /// A fresh self-signed CA (made with openssl) that signed nothing of the test cluster's.
    static func unrelatedCA() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("other-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
            "-subj", "/CN=unrelated", "-keyout", dir.appendingPathComponent("ca.key").path,
            "-out", dir.appendingPathComponent("ca.pem").path,
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return dir.appendingPathComponent("ca.pem")
    }
}
