/// Failed logins per alias, in memory and bounded: the counts below the threshold
/// are not persisted (as in OpenBao), and the table never holds more than
/// `capacity` aliases, so no stream of failures grows it without end.
struct FailedLogins: Sendable {
    struct Key: Hashable, Sendable {
        let accessor: String
        /// Bytes, not Swift's canonical equivalence: two role IDs are two users.
        let alias: [UInt8]
    }

    struct Entry: Sendable, Equatable {
        var count: UInt64
        /// Unix seconds of the last failure.
        var lastFailure: Int64
    }

    let capacity: Int
    private(set) var entries: [Key: Entry] = [:]

    init(capacity: Int) {
        self.capacity = capacity
    }

    subscript(key: Key) -> Entry? { entries[key] }

    /// Counts one failure at `now` and returns the new entry: a count whose last
    /// failure is older than `counterReset` starts again at 1.
    mutating func recordFailure(_ key: Key, now: Int64, counterReset: Int64, expiry: Int64) -> Entry {
        var entry = Entry(count: 1, lastFailure: now)
        if let previous = entries[key] {
            let (resetAt, overflow) = previous.lastFailure.addingReportingOverflow(counterReset)
            if overflow || now <= resetAt { entry.count = previous.count < UInt64.max ? previous.count + 1 : previous.count }
        } else if entries.count >= capacity {
            makeRoom(now: now, expiry: expiry)
        }
        entries[key] = entry
        return entry
    }

    mutating func remove(_ key: Key) {
        entries[key] = nil
    }

    /// Drops entries older than `expiry` seconds; if none is, the oldest one. A
    /// dropped count never unlocks anyone: a lock is in storage as well.
    private mutating func makeRoom(now: Int64, expiry: Int64) {
        let before = entries.count
        entries = entries.filter { now.subtractingReportingOverflow($0.value.lastFailure).partialValue < expiry }
        if entries.count < before { return }
        if let oldest = entries.min(by: { $0.value.lastFailure < $1.value.lastFailure })?.key {
            entries[oldest] = nil
        }
    }
}
