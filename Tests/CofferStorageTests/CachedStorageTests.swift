import Foundation
import Synchronization
import Testing

@testable import CofferStorage

/// The read cache in front of durable storage: what it keeps, what it drops,
/// and that no acknowledged write is ever hidden by a value read before it.
@Suite struct CachedStorageTests {
    /// Real memory storage that counts the reads that reach it, and can hold a
    /// read after it fetched its value (to interleave a write) or fail a put
    /// after applying it (as a commit whose answer is lost).
    final class Backing: PhysicalStorage {
        let inner = MemoryStorage()
        let reads = Atomic<Int>(0)
        let heldRead = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let holdNextRead = Atomic<Bool>(false)
        let failPuts = Atomic<Bool>(false)
        struct Lost: Error {}

        var typeName: String { "test" }
        func get(_ key: String) async throws -> Data? {
            reads.add(1, ordering: .relaxed)
            let value = try await inner.get(key)
            if holdNextRead.exchange(false, ordering: .relaxed) {
                await withCheckedContinuation { continuation in heldRead.withLock { $0 = continuation } }
            }
            return value
        }
        func put(_ key: String, _ value: Data) async throws {
            try await inner.put(key, value)
            if failPuts.load(ordering: .relaxed) { throw Lost() }
        }
        func delete(_ key: String) async throws { try await inner.delete(key) }
        func list(prefix: String) async throws -> [String] { try await inner.list(prefix: prefix) }
        func delete(prefix: String) async throws { try await inner.delete(prefix: prefix) }
        func apply(_ writes: [PhysicalWrite]) async throws { try await inner.apply(writes) }

        func releaseHeldRead() async {
            while true {
                if let continuation = heldRead.withLock({ $0.take() }) { return continuation.resume() }
                await Task.yield()
            }
        }
    }

    let value1 = Data("one".utf8), value2 = Data("two".utf8)

    @Test("a second read is served from the cache; a write is read back at once")
    func readThroughAndWrite() async throws {
        let backing = Backing()
        let storage = CachedStorage(backing)
        try await storage.put("k", value1)
        #expect(try await storage.get("k") == value1)
        #expect(try await storage.get("k") == value1)
        #expect(backing.reads.load(ordering: .relaxed) == 1)
        try await storage.put("k", value2)
        #expect(try await storage.get("k") == value2)
        try await storage.delete("k")
        #expect(try await storage.get("k") == nil)
    }

    @Test("a read that fetched the old value while a write completed never caches it")
    func readRacingAWrite() async throws {
        let backing = Backing()
        let storage = CachedStorage(backing)
        try await storage.put("k", value1)
        backing.holdNextRead.store(true, ordering: .relaxed)
        let slowRead = Task { try await storage.get("k") }
        while backing.heldRead.withLock({ $0 == nil }) { await Task.yield() }
        try await storage.put("k", value2)  // acknowledged while the read holds the old value
        await backing.releaseHeldRead()
        #expect(try await slowRead.value == value1, "the read began before the write")
        #expect(try await storage.get("k") == value2, "the cache hid an acknowledged write")
    }

    @Test("a write whose answer is lost still drops the cached value")
    func failedWriteInvalidates() async throws {
        let backing = Backing()
        let storage = CachedStorage(backing)
        try await storage.put("k", value1)
        _ = try await storage.get("k")
        backing.failPuts.store(true, ordering: .relaxed)
        await #expect(throws: Backing.Lost.self) { try await storage.put("k", value2) }
        #expect(try await storage.get("k") == value2, "the database has the new value")
    }

    @Test("delete(prefix:) and batches drop exactly their keys")
    func prefixAndBatch() async throws {
        let storage = CachedStorage(Backing())
        for key in ["a/1", "a/2", "b/1"] {
            try await storage.put(key, value1)
            _ = try await storage.get(key)
        }
        try await storage.delete(prefix: "a/")
        #expect(try await storage.get("a/1") == nil)
        #expect(try await storage.get("a/2") == nil)
        try await storage.apply([.put("b/1", value2), .delete("c")])
        #expect(try await storage.get("b/1") == value2)
    }

    @Test("forgetCached makes another node's writes visible")
    func forgetCached() async throws {
        let backing = Backing()
        let storage = CachedStorage(backing)
        try await storage.put("k", value1)
        _ = try await storage.get("k")
        try await backing.inner.put("k", value2)  // another node, straight to the database
        #expect(try await storage.get("k") == value1)
        storage.forgetCached()
        #expect(try await storage.get("k") == value2)
    }

    @Test("bounded in entries and in bytes; a value too big for it is never kept")
    func bounds() async throws {
        let backing = Backing()
        let storage = CachedStorage(backing, capacity: 8, byteLimit: 1600)
        for index in 0..<50 {
            try await storage.put("k\(index)", Data(count: 90))
            _ = try await storage.get("k\(index)")
        }
        #expect(storage.cachedCount == 8)
        let wide = CachedStorage(backing, capacity: 100, byteLimit: 1600)
        for index in 0..<50 { _ = try await wide.get("k\(index)") }
        #expect(wide.cachedCount == 17, "1600 bytes hold 17 values of 90 bytes")
        try await backing.inner.put("big", Data(count: 101))
        _ = try await wide.get("big")
        #expect(wide.cachedCount == 17)
        let before = backing.reads.load(ordering: .relaxed)
        _ = try await wide.get("big")
        #expect(backing.reads.load(ordering: .relaxed) == before + 1, "a value over a sixteenth of the limit was cached")
    }

    @Test("CLOCK eviction keeps an entry read since the hand last passed")
    func clockKeepsReferenced() {
        var cache = ReadCache(capacity: 2, byteLimit: 1 << 20)
        let a = StorageKey("a"), b = StorageKey("b"), c = StorageKey("c")
        cache.insert(a, value1)
        cache.insert(b, value1)
        _ = cache.value(a)
        cache.insert(c, value1)
        #expect(cache.value(a) == value1 && cache.value(b) == nil && cache.value(c) == value1)
        #expect(cache.count == 2 && cache.bytes == 2 * value1.count)
    }

    @Test("keys are compared by their bytes, as the databases compare them")
    func byteExactKeys() async throws {
        let storage = CachedStorage(Backing())
        try await storage.put("caf\u{E9}", value1)
        _ = try await storage.get("caf\u{E9}")
        #expect(try await storage.get("cafe\u{301}") == nil)
    }
}
