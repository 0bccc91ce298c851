import Foundation
import PostgresNIO
import Testing

@testable import CofferStorage

/// The HA lock and the fencing of writes, on the real test cluster: what keeps
/// two Coffer nodes from both acting as the active one.
@Suite(.enabled(if: PostgreSQLTestDatabase.isConfigured))
struct PostgreSQLHALockTests {
    /// Two nodes on one data table and one lock table, as two processes would be.
    func twoNodes(ttl: Duration = .seconds(15)) async throws -> (PostgreSQLStorage, PostgreSQLHALock, PostgreSQLStorage, PostgreSQLHALock) {
        let settings = try PostgreSQLTestDatabase.settings()
        let haTable = "ha_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let a = try await PostgreSQLStorage.open(settings)
        let b = try await PostgreSQLStorage.open(settings)
        let lockA = try await a.haLock(table: haTable, identity: "node-a", ttl: ttl)
        let lockB = try await b.haLock(table: haTable, identity: "node-b", ttl: ttl)
        return (a, lockA, b, lockB)
    }

    @Test("one node acquires; the other cannot while the lock is valid, and learns who leads")
    func exclusive() async throws {
        let (_, lockA, _, lockB) = try await twoNodes()
        #expect(try await lockA.acquire(advertising: "http://a:8200"))
        #expect(try await lockB.acquire(advertising: "http://b:8200") == false)
        #expect(try await lockB.holder() == .init(identity: "node-a", value: "http://a:8200", isValid: true))
        #expect(try await lockA.renew())
        #expect(try await lockB.renew() == false)  // renewal never steals
    }

    @Test("a released lock is taken at once by the other node")
    func release() async throws {
        let (_, lockA, _, lockB) = try await twoNodes()
        #expect(try await lockA.acquire(advertising: "a"))
        try await lockA.release()
        #expect(try await lockB.acquire(advertising: "b"))
        #expect(try await lockA.renew() == false)
    }

    @Test("a lock not renewed expires by the database's clock, the other node takes it, and the old holder's renewal fails")
    func expiry() async throws {
        let (_, lockA, _, lockB) = try await twoNodes(ttl: .milliseconds(300))
        #expect(try await lockA.acquire(advertising: "a"))
        try await Task.sleep(for: .milliseconds(600))
        #expect(try await lockB.acquire(advertising: "b"))
        #expect(try await lockA.renew() == false)
    }

    @Test("split brain: after a takeover, none of the old active's writes lands, whatever it believes")
    func fencing() async throws {
        // Long enough that A's own writes land inside its lease on a loaded machine.
        let (a, lockA, b, lockB) = try await twoNodes(ttl: .seconds(2))
        #expect(try await lockA.acquire(advertising: "a"))
        try await a.put("data/before", Data("a".utf8))
        try await a.apply([.put("data/batch1", Data("a".utf8)), .put("data/batch2", Data("a".utf8))])

        // Node A pauses past its lease; B takes over and writes.
        try await Task.sleep(for: .milliseconds(2300))
        #expect(try await lockB.acquire(advertising: "b"))
        try await b.put("data/after", Data("b".utf8))

        // A wakes up and writes, as if it still led: the database refuses each kind of write.
        let put = await #expect(throws: StorageError.self) { try await a.put("data/after", Data("stale".utf8)) }
        #expect(put?.code == .fenced)
        await #expect(throws: StorageError.self) { try await a.apply([.put("data/x", Data()), .delete("data/before")]) }
        await #expect(throws: StorageError.self) { try await a.delete("data/before") }
        await #expect(throws: StorageError.self) { try await a.delete(prefix: "data/") }

        // What the table holds: B's write, and nothing of A's after the takeover.
        #expect(try await b.get("data/after") == Data("b".utf8))
        #expect(try await b.get("data/before") == Data("a".utf8))
        #expect(try await b.get("data/x") == nil)
        #expect(try await b.list(prefix: "data/") == ["after", "batch1", "batch2", "before"])
    }

    @Test("a standby that never held the lock cannot write at all")
    func standbyCannotWrite() async throws {
        let (_, lockA, b, _) = try await twoNodes()
        #expect(try await lockA.acquire(advertising: "a"))
        await #expect(throws: StorageError.self) { try await b.put("k", Data()) }
    }

    /// A write of node A held open in its transaction, as a slow commit under load.
    func holdingWriteOpen(
        of lock: PostgreSQLHALock, until released: AsyncStream<Void>
    ) async throws -> (opened: AsyncStream<Void>, done: Task<Void, any Error>) {
        let client = PostgresClient(configuration: try PostgreSQLStorage.clientConfiguration(try PostgreSQLTestDatabase.settings()))
        let (opened, signalOpened) = AsyncStream<Void>.makeStream()
        let done = Task {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await client.run() }
                try await client.withTransaction(logger: PostgreSQLStorage.quietLogger) { connection in
                    try await lock.fence(connection)
                    signalOpened.yield()
                    for await _ in released { break }
                }
                group.cancelAll()
            }
        }
        return (opened, done)
    }

    @Test("writes in flight never hold the active node's renewal up; a takeover after expiry waits for them")
    func renewalUnderWrites() async throws {
        let (_, lockA, _, lockB) = try await twoNodes(ttl: .seconds(2))
        #expect(try await lockA.acquire(advertising: "a"))
        let (release, releaseWrite) = AsyncStream<Void>.makeStream()
        let (opened, write) = try await holdingWriteOpen(of: lockA, until: release)
        for await _ in opened { break }

        // The write holds the row; A renews anyway, and B's attempts neither win nor queue.
        #expect(try await lockB.acquire(advertising: "b") == false)
        #expect(try await lockA.renew())
        #expect(try await lockB.acquire(advertising: "b") == false)
        #expect(try await lockA.renew())

        // A stops renewing; once the lock has lapsed B's takeover waits for A's open write.
        try await Task.sleep(for: .milliseconds(2300))
        let takeover = Task { try await lockB.acquire(advertising: "b") }
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await lockB.holder()?.identity == "node-a")
        releaseWrite.yield()
        try await write.value
        #expect(try await takeover.value)
        #expect(try await lockB.holder()?.identity == "node-b")
    }
}
