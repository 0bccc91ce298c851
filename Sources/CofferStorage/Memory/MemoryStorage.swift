import Foundation

/// Storage in memory, for `server -dev` and tests; gone with the process.
///
/// The entries are split over shards, each a dictionary behind its own lock. With
/// one dictionary, a dev server under load (every login stores three entries)
/// regularly grew it by doubling: the rehash of a million entries held the one
/// lock for a tenth of a second and stalled every request. A shard rehashes a
/// sixty-fourth of that, and two requests rarely wait on the same lock.
package final class MemoryStorage: PhysicalStorage {
    /// One dictionary and its lock. `NSLock` rather than `Mutex` because a batch
    /// holds several shards' locks at once, taken one after another.
    private final class Shard: @unchecked Sendable {
        let lock = NSLock()
        var table: [Key: Data] = [:]

        func withLock<T>(_ body: (inout [Key: Data]) -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body(&table)
        }
    }

    private typealias Key = StorageKey

    private static let shardCount = 64
    private let shards: [Shard]

    package init() {
        shards = (0..<Self.shardCount).map { _ in Shard() }
    }

    package var typeName: String { "inmem" }

    private func shard(_ key: String) -> Shard {
        shards[Key(key).hashValue & (Self.shardCount - 1)]
    }

    package func get(_ key: String) async throws -> Data? {
        shard(key).withLock { $0[Key(key)] }
    }

    package func put(_ key: String, _ value: Data) async throws {
        shard(key).withLock { $0[Key(key)] = value }
    }

    package func delete(_ key: String) async throws {
        _ = shard(key).withLock { $0.removeValue(forKey: Key(key)) }
    }

    package func list(prefix: String) async throws -> [String] {
        var keys: [String] = []
        withLocked(shards) {
            for shard in shards {
                keys.append(contentsOf: shard.table.keys.lazy.map(\.string).filter { $0.utf8.starts(with: prefix.utf8) })
            }
        }
        return directChildren(of: keys, under: prefix)
    }

    package func delete(prefix: String) async throws {
        withLocked(shards) {
            for shard in shards { shard.table = shard.table.filter { !$0.key.string.utf8.starts(with: prefix.utf8) } }
        }
    }

    /// A batch is applied with every shard it touches locked, so no reader sees
    /// part of it.
    package func apply(_ writes: [PhysicalWrite]) async throws {
        let targets = writes.map { write in
            switch write {
            case .put(let key, _), .delete(let key): shard(key)
            }
        }
        withLocked(targets) {
            for (write, target) in zip(writes, targets) {
                switch write {
                case .put(let key, let value): target.table[Key(key)] = value
                case .delete(let key): target.table.removeValue(forKey: Key(key))
                }
            }
        }
    }

    /// Runs `body` with the given shards locked (each once, however often it is
    /// named). Locks are always taken in the shards' order in `shards`, so two
    /// batches cannot deadlock.
    private func withLocked(_ subset: [Shard], _ body: () -> Void) {
        let ordered = shards.filter { shard in subset.contains { $0 === shard } }
        for shard in ordered { shard.lock.lock() }
        defer { for shard in ordered.reversed() { shard.lock.unlock() } }
        body()
    }
}
