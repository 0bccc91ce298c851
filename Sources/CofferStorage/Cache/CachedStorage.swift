import CoreMetrics
import Foundation
import Synchronization

/// A bounded cache of values in front of a durable backend (SQLite, PostgreSQL),
/// as Vault's physical cache: entries exactly as stored (ciphertext, below the
/// barrier), so a KV read or a token lookup on a durable server costs what it
/// costs in memory instead of a query.
///
/// Correctness over hit rate, in two rules:
/// - A write, when it completes (or fails), removes its keys; it never puts its
///   own value in. Two writes of one key can complete in the other order than
///   the database applied them, and a removal is right in either order.
/// - A read puts what it read in only if no write completed while it read: a
///   read that started before a write was acknowledged could have fetched the
///   value that write replaced.
/// So once a write is acknowledged, no read on this node can see what it replaced.
///
/// Other nodes' writes are not seen: a node that becomes the active node of an
/// HA cluster calls `forgetCached()` first. Lists are not cached.
package final class CachedStorage: PhysicalStorage {
    private struct State {
        var cache: ReadCache
        /// Completed writes; a read compares it before and after.
        var writes: UInt64 = 0
    }

    /// Vault's default `cache_size`.
    package static let defaultCapacity = 131_072
    package static let defaultByteLimit = 64 << 20

    private let backing: any PhysicalStorage
    private let state: Mutex<State>
    /// Hits and misses (`coffer_cache_hits_total`, `coffer_cache_misses_total`),
    /// whose ratio is the hit rate: one atomic add per read, made once here.
    private let hits: CoreMetrics.Counter
    private let misses: CoreMetrics.Counter

    package static let hitsLabel = "coffer_cache_hits_total"
    package static let missesLabel = "coffer_cache_misses_total"

    package init(
        _ backing: any PhysicalStorage, capacity: Int = defaultCapacity, byteLimit: Int = defaultByteLimit,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.backing = backing
        self.state = Mutex(State(cache: ReadCache(capacity: capacity, byteLimit: byteLimit)))
        self.hits = CoreMetrics.Counter(label: Self.hitsLabel, dimensions: [], factory: metrics)
        self.misses = CoreMetrics.Counter(label: Self.missesLabel, dimensions: [], factory: metrics)
    }

    package var typeName: String { backing.typeName }

    /// Entries held now, for tests and metrics.
    package var cachedCount: Int { state.withLock { $0.cache.count } }

    package func get(_ key: String) async throws -> Data? {
        let storageKey = StorageKey(key)
        let (hit, seen) = state.withLock { ($0.cache.value(storageKey), $0.writes) }
        if let hit {
            hits.increment()
            return hit
        }
        misses.increment()
        let value = try await backing.get(key)
        if let value {
            state.withLock { if $0.writes == seen { $0.cache.insert(storageKey, value) } }
        }
        return value
    }

    package func put(_ key: String, _ value: Data) async throws {
        defer { completed { $0.remove(StorageKey(key)) } }
        try await backing.put(key, value)
    }

    package func delete(_ key: String) async throws {
        defer { completed { $0.remove(StorageKey(key)) } }
        try await backing.delete(key)
    }

    package func list(prefix: String) async throws -> [String] {
        try await backing.list(prefix: prefix)
    }

    package func delete(prefix: String) async throws {
        defer { completed { $0.remove(prefix: prefix) } }
        try await backing.delete(prefix: prefix)
    }

    package func apply(_ writes: [PhysicalWrite]) async throws {
        defer {
            completed { cache in
                for write in writes {
                    switch write {
                    case .put(let key, _), .delete(let key): cache.remove(StorageKey(key))
                    }
                }
            }
        }
        try await backing.apply(writes)
    }

    package func forgetCached() {
        completed { $0.removeAll() }
    }

    private func completed(_ change: (inout ReadCache) -> Void) {
        state.withLock {
            change(&$0.cache)
            $0.writes &+= 1
        }
    }
}
