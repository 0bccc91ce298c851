import Foundation
import Synchronization

/// `ExpiryQueue`s split by id over shards, each behind its own lock.
///
/// Every login records its token's expiry. Under one lock, the queue's
/// dictionary, regrown by doubling, rehashed hundreds of thousands of ids at a
/// time while every login waited; a shard regrows a sixteenth of that.
struct ShardedExpiryQueue: Sendable {
    private final class Shard: Sendable {
        let queue = Mutex(ExpiryQueue())

        func withLock<T: Sendable>(_ body: (inout ExpiryQueue) -> T) -> T {
            queue.withLock { body(&$0) }
        }
    }

    private static let shardCount = 16
    private let shards: [Shard]

    init() {
        shards = (0..<Self.shardCount).map { _ in Shard() }
    }

    private func shard(_ id: String) -> Shard {
        shards[id.hashValue & (Self.shardCount - 1)]
    }

    var count: Int { shards.reduce(0) { total, shard in total + shard.withLock { $0.count } } }

    /// Sets or (with nil) removes the deadline of `id`.
    func set(_ id: String, _ deadline: Date?) {
        shard(id).withLock { $0.set(id, deadline) }
    }

    /// Sets the deadline of `id` unless it already has one (a newer one).
    func setIfAbsent(_ id: String, _ deadline: Date) {
        shard(id).withLock { queue in
            if !queue.contains(id) { queue.set(id, deadline) }
        }
    }

    /// Removes and returns every id whose deadline is at or before `now`.
    func popDue(at now: Date) -> [(id: String, deadline: Date)] {
        shards.flatMap { shard in shard.withLock { $0.popDue(at: now) } }
    }

    func removeAll() {
        for shard in shards { shard.withLock { $0 = ExpiryQueue() } }
    }
}
