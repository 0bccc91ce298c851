import Synchronization

/// Group commit: concurrent write batches share one transaction, so one fsync
/// makes many of them durable. SQLite has a single writer and `synchronous = FULL`
/// syncs the WAL on every commit; with 64 clients writing, each waited for the
/// others' fsyncs one by one (the durable login and KV write benchmarks of
/// issue 15 were bound by that).
///
/// A caller is resumed only once the transaction holding its batch has
/// committed, so "acknowledged means durable" holds as before. Batches are
/// applied in the order they arrived. If a group's transaction fails, each of
/// its batches is tried again alone, so one batch that cannot be written fails
/// its own caller only.
final class GroupCommit<Batch: Sendable>: Sendable {
    private struct Waiting: Sendable {
        let batch: Batch
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct Queue: Sendable {
        var waiting: [Waiting] = []
        var draining = false
    }

    private let queue = Mutex(Queue())
    /// Applies batches, in order, in one transaction.
    private let commit: @Sendable ([Batch]) async throws -> Void
    /// How many batches at most go into one transaction (bounds its size and latency).
    private let maximumGroup: Int

    init(maximumGroup: Int = 256, commit: @escaping @Sendable ([Batch]) async throws -> Void) {
        self.commit = commit
        self.maximumGroup = max(1, maximumGroup)
    }

    /// Returns once `batch` is committed; throws what its commit threw.
    func apply(_ batch: Batch) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let startsDrain = queue.withLock { state in
                state.waiting.append(Waiting(batch: batch, continuation: continuation))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            // The first writer of an idle queue drains it; later ones join the next group.
            if startsDrain { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let group = queue.withLock { state -> [Waiting] in
                let taken = Array(state.waiting.prefix(maximumGroup))
                state.waiting.removeFirst(taken.count)
                if taken.isEmpty { state.draining = false }
                return taken
            }
            guard !group.isEmpty else { return }
            do {
                try await commit(group.map(\.batch))
                for waiting in group { waiting.continuation.resume() }
            } catch {
                guard group.count > 1 else {
                    group[0].continuation.resume(throwing: error)
                    continue
                }
                for waiting in group {
                    do {
                        try await commit([waiting.batch])
                        waiting.continuation.resume()
                    } catch {
                        waiting.continuation.resume(throwing: error)
                    }
                }
            }
        }
    }
}
