import Synchronization

/// An HA lock for nodes in one process, over a shared `MemoryHALock.Table`:
/// what the core's HA tests run several cores on. Timed by one monotonic clock
/// that all the nodes share, as PostgreSQL's `NOW()` is shared by real nodes.
package final class MemoryHALock: HALock {
    /// The one lock row that the nodes compete for.
    package final class Table: Sendable {
        struct Row {
            var identity: String
            var value: String
            var validUntil: ContinuousClock.Instant
        }
        let row = Mutex<Row?>(nil)
        package init() {}
    }

    package let identity: String
    private let table: Table
    private let ttl: Duration

    package init(table: Table, identity: String, ttl: Duration) {
        self.table = table
        self.identity = identity
        self.ttl = ttl
    }

    package func acquire(advertising value: String) async throws -> Bool {
        let now = ContinuousClock.now
        return table.row.withLock { row in
            if let current = row, current.validUntil > now { return false }
            row = Table.Row(identity: identity, value: value, validUntil: now + ttl)
            return true
        }
    }

    package func renew() async throws -> Bool {
        let now = ContinuousClock.now
        return table.row.withLock { row in
            guard var current = row, current.identity == identity, current.validUntil > now else { return false }
            current.validUntil = now + ttl
            row = current
            return true
        }
    }

    package func release() async throws {
        table.row.withLock { row in
            if row?.identity == identity { row = nil }
        }
    }

    package func holder() async throws -> HALockHolder? {
        let now = ContinuousClock.now
        return table.row.withLock { row in
            row.map { HALockHolder(identity: $0.identity, value: $0.value, isValid: $0.validUntil > now) }
        }
    }
}
