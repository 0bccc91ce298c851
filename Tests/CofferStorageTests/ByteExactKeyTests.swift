import CofferStorage
import Foundation
import Testing

/// Keys are bytes (issue 12, item 7): two keys that Swift's `String ==` calls equal
/// (canonically equivalent Unicode) are two entries in every backend.
@Suite struct ByteExactKeyTests {
    static let composed = "kv/caf\u{E9}"  // é as one code point
    static let decomposed = "kv/cafe\u{301}"  // e + combining acute accent

    @Test("canonically equivalent keys do not share an entry", arguments: PhysicalStorageConformanceTests.Backend.available)
    func equivalentKeysAreDistinct(_ backend: PhysicalStorageConformanceTests.Backend) async throws {
        let storage = try await backend.make()
        try await storage.put(Self.composed, Data("one".utf8))
        try await storage.put(Self.decomposed, Data("two".utf8))
        #expect(try await storage.get(Self.composed) == Data("one".utf8))
        #expect(try await storage.get(Self.decomposed) == Data("two".utf8))
        // Compared as bytes: `Set<String>` would itself fold the two.
        let listed = try await storage.list(prefix: "kv/").map { Array($0.utf8) }
        #expect(Set(listed) == [Array("caf\u{E9}".utf8), Array("cafe\u{301}".utf8)])
        try await storage.delete(Self.decomposed)
        #expect(try await storage.get(Self.composed) == Data("one".utf8))
    }

    @Test("a prefix matches bytes: `cafe` covers e + U+0301, not U+00E9", arguments: PhysicalStorageConformanceTests.Backend.available)
    func prefixIsBytes(_ backend: PhysicalStorageConformanceTests.Backend) async throws {
        let storage = try await backend.make()
        try await storage.put(Self.composed, Data("one".utf8))
        try await storage.put(Self.decomposed, Data("two".utf8))
        let listed = try await storage.list(prefix: "kv/cafe")
        #expect(listed.count == 1)
        #expect(listed.first?.utf8.elementsEqual("\u{301}".utf8) == true)
        try await storage.delete(prefix: "kv/cafe")
        #expect(try await storage.get(Self.decomposed) == nil)
        #expect(try await storage.get(Self.composed) == Data("one".utf8))
    }
}

/// The SQLite files are owner-only whatever the umask (issue 12, item 8).
@Suite struct SQLiteFileModeTests {
    @Test("the database, -wal and -shm are 0600, and a symlink at the path is refused")
    func ownerOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-sqlite-mode-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let previous = umask(0o022)
        defer { umask(previous) }
        let storage = try SQLiteStorage(path: dir + "/test.db")
        _ = storage
        for name in ["test.db", "test.db-wal", "test.db-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/" + name)
            #expect(attributes[.posixPermissions] as? Int == 0o600, "\(name)")
        }
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.db", withDestinationPath: dir + "/other.db")
        #expect(throws: StorageError.self) { try SQLiteStorage(path: dir + "/link.db") }
    }
}
