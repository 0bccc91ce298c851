import CofferStorage
import Foundation
import Testing

/// One suite that every backend must pass.
@Suite struct PhysicalStorageConformanceTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case memory, sqlite, postgresql, cachedSQLite, cachedPostgreSQL
        var testDescription: String { rawValue }

        /// Every backend; PostgreSQL where the test command started a cluster
        /// (`scripts/pg-test-cluster`), and always in CI, where its absence fails.
        static var available: [Backend] {
            PostgreSQLTestDatabase.isConfigured ? allCases : [.memory, .sqlite, .cachedSQLite]
        }

        func make() async throws -> any PhysicalStorage {
            switch self {
            case .memory: return MemoryStorage()
            case .sqlite:
                let dir = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-storage-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                return try SQLiteStorage(path: dir.appendingPathComponent("test.db").path)
            case .postgresql:
                return try await PostgreSQLTestDatabase.freshStorage()
            // The read cache must keep every promise of the backend behind it.
            case .cachedSQLite: return CachedStorage(try await Backend.sqlite.make())
            case .cachedPostgreSQL: return CachedStorage(try await Backend.postgresql.make())
            }
        }
    }

    @Test("a value put can be read back, replaced and deleted", arguments: Backend.available)
    func putGetDelete(_ backend: Backend) async throws {
        let storage = try await backend.make()
        #expect(try await storage.get("a/b") == nil)
        try await storage.put("a/b", Data([1, 2, 3]))
        #expect(try await storage.get("a/b") == Data([1, 2, 3]))
        try await storage.put("a/b", Data([4]))
        #expect(try await storage.get("a/b") == Data([4]))
        try await storage.delete("a/b")
        #expect(try await storage.get("a/b") == nil)
        try await storage.delete("never/there")
    }

    @Test("list returns direct children only, folders with a trailing slash, sorted", arguments: Backend.available)
    func listChildren(_ backend: Backend) async throws {
        let storage = try await backend.make()
        for key in ["app/db", "app/api", "app/deep/one", "app/deep/two", "apple", "other/x"] {
            try await storage.put(key, Data("v".utf8))
        }
        #expect(try await storage.list(prefix: "app/") == ["api", "db", "deep/"])
        #expect(try await storage.list(prefix: "") == ["app/", "apple", "other/"])
        #expect(try await storage.list(prefix: "app/deep/") == ["one", "two"])
        #expect(try await storage.list(prefix: "missing/") == [])
    }

    @Test("a prefix with LIKE wildcards is matched literally", arguments: Backend.available)
    func prefixIsLiteral(_ backend: Backend) async throws {
        let storage = try await backend.make()
        try await storage.put("a%b/x", Data("1".utf8))
        try await storage.put("aXb/y", Data("2".utf8))
        try await storage.put("a_c/z", Data("3".utf8))
        #expect(try await storage.list(prefix: "a%b/") == ["x"])
        try await storage.delete(prefix: "a_")
        #expect(try await storage.get("a_c/z") == nil)
        #expect(try await storage.get("aXb/y") != nil)
    }

    @Test("delete(prefix:) removes everything under the prefix and nothing else", arguments: Backend.available)
    func deletePrefix(_ backend: Backend) async throws {
        let storage = try await backend.make()
        for key in ["m/1/a", "m/1/b/c", "m/2/a", "m/10"] { try await storage.put(key, Data("v".utf8)) }
        try await storage.delete(prefix: "m/1/")
        #expect(try await storage.list(prefix: "m/") == ["10", "2/"])
    }

    @Test("apply writes a batch of puts and deletes together", arguments: Backend.available)
    func applyBatch(_ backend: Backend) async throws {
        let storage = try await backend.make()
        try await storage.put("old", Data("x".utf8))
        try await storage.apply([.put("new/1", Data("1".utf8)), .put("new/2", Data("2".utf8)), .delete("old")])
        #expect(try await storage.get("old") == nil)
        #expect(try await storage.list(prefix: "new/") == ["1", "2"])
    }

    @Test("many concurrent writers lose no acknowledged write", arguments: Backend.available)
    func concurrentWriters(_ backend: Backend) async throws {
        let storage = try await backend.make()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    for item in 0..<25 { try await storage.put("w/\(writer)/\(item)", Data("\(writer)-\(item)".utf8)) }
                }
            }
            try await group.waitForAll()
        }
        for writer in 0..<16 {
            for item in 0..<25 {
                #expect(try await storage.get("w/\(writer)/\(item)") == Data("\(writer)-\(item)".utf8))
            }
        }
    }

    @Test("SQLite keeps data across reopening the file")
    func sqliteSurvivesReopen() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-reopen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("data.db").path
        do {
            let storage = try SQLiteStorage(path: path)
            try await storage.put("kept", Data("yes".utf8))
        }
        let reopened = try SQLiteStorage(path: path)
        #expect(try await reopened.get("kept") == Data("yes".utf8))
    }
}
