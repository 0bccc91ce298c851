import Foundation
import Synchronization
import Testing

@testable import CofferStorage

/// Group commit (issue 15): concurrent batches share a transaction, each caller
/// returns only once its own batch is committed, and a batch that cannot be
/// written fails its own caller only.
@Suite struct GroupCommitTests {
    /// A stand-in transaction log: what was committed, group by group.
    final class Log: Sendable {
        let groups = Mutex<[[Int]]>([])
        /// Batches that make any transaction holding them fail.
        let poisoned: Set<Int>

        init(poisoned: Set<Int> = []) { self.poisoned = poisoned }

        func commit(_ batches: [Int]) async throws {
            // Long enough for the other callers to queue behind this transaction.
            try await Task.sleep(for: .milliseconds(5))
            if batches.contains(where: poisoned.contains) { throw StorageError(.unavailable, "refused") }
            groups.withLock { $0.append(batches) }
        }

        var committed: [Int] { groups.withLock { $0.flatMap { $0 } } }
        var transactions: Int { groups.withLock { $0.count } }
    }

    @Test("200 concurrent writers all return committed, in far fewer transactions")
    func sharesTransactions() async throws {
        let log = Log()
        let commit = GroupCommit<Int> { try await log.commit($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for batch in 0..<200 { group.addTask { try await commit.apply(batch) } }
            try await group.waitForAll()
        }
        #expect(log.committed.sorted() == Array(0..<200))
        #expect(log.transactions < 50)
    }

    @Test("a caller returns only after the transaction holding its batch committed")
    func acknowledgedMeansCommitted() async throws {
        let log = Log()
        let commit = GroupCommit<Int> { try await log.commit($0) }
        for batch in 0..<20 {
            try await commit.apply(batch)
            #expect(log.committed.contains(batch))
        }
    }

    @Test("a batch that cannot be written fails its own caller, and its group's others still commit")
    func failureIsIsolated() async throws {
        let log = Log(poisoned: [7, 42])
        let commit = GroupCommit<Int> { try await log.commit($0) }
        let failed = await withTaskGroup(of: Int?.self) { group in
            for batch in 0..<100 {
                group.addTask {
                    do {
                        try await commit.apply(batch)
                        return nil
                    } catch {
                        return batch
                    }
                }
            }
            var failed: [Int] = []
            for await batch in group { if let batch { failed.append(batch) } }
            return failed
        }
        #expect(failed.sorted() == [7, 42])
        #expect(log.committed.sorted() == (0..<100).filter { $0 != 7 && $0 != 42 })
    }

    @Test("concurrent SQLite writes through the group all land and read back")
    func sqliteGroupCommit() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-group-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let storage = try SQLiteStorage(path: dir.appendingPathComponent("test.db").path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<300 {
                group.addTask {
                    try await storage.apply([.put("k/\(index)", Data([UInt8(index % 256)])), .put("last", Data("\(index)".utf8))])
                }
            }
            try await group.waitForAll()
        }
        #expect(try await storage.list(prefix: "k/").count == 300)
        for index in [0, 150, 299] { #expect(try await storage.get("k/\(index)") == Data([UInt8(index % 256)])) }
        // Reopened: every acknowledged write is on disk.
        let reopened = try SQLiteStorage(path: dir.appendingPathComponent("test.db").path)
        #expect(try await reopened.list(prefix: "k/").count == 300)
    }
}
