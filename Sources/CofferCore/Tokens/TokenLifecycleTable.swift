import Synchronization

/// The `TokenLifecycle` of every token being revoked; a token with no record is live.
///
/// Every request asks whether its token is live, and almost never is one being
/// revoked: an atomic count of records answers that without taking the lock.
final class TokenLifecycleTable: Sendable {
    private let records = Mutex<[String: TokenLifecycle]>([:])
    /// How many records there are, read without the lock on the hot path.
    private let recordCount = Atomic<Int>(0)

    /// Whether the token may be used, renewed or given children.
    func acceptsChanges(_ hash: String) -> Bool {
        guard recordCount.load(ordering: .acquiring) > 0 else { return true }
        return records.withLock { $0[hash]?.acceptsChanges ?? true }
    }

    /// Marks the token as being revoked, before the revocation waits for its lock.
    func revocationStarted(_ hash: String) {
        records.withLock { records in
            if records[hash] == nil { recordCount.add(1, ordering: .releasing) }
            records[hash, default: TokenLifecycle()].revocationStarted()
        }
    }

    /// Ends one revocation; the record goes once the entry is gone and no other runs.
    func revocationEnded(_ hash: String, entryGone: Bool) {
        records.withLock { records in
            guard var lifecycle = records[hash] else { return }
            if lifecycle.revocationEnded(entryGone: entryGone) {
                records[hash] = nil
                recordCount.subtract(1, ordering: .releasing)
            } else {
                records[hash] = lifecycle
            }
        }
    }

    /// Records held, for tests: none once every revocation has finished.
    var count: Int { recordCount.load(ordering: .acquiring) }
}
