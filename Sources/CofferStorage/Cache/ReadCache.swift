import Foundation

/// Values read from a backing store, bounded both in entries and in bytes, and
/// evicted by CLOCK (second chance): a hit only sets a bit, so the common case
/// under the lock is one dictionary lookup, with no list to relink as a strict
/// least-recently-used order would need.
///
/// Only values that exist are kept: caching "absent" would let a client that
/// sends random tokens fill the cache with misses and push the real entries out.
struct ReadCache {
    private struct Slot {
        var key: StorageKey
        var value: Data
        var referenced: Bool
    }

    let capacity: Int
    let byteLimit: Int
    /// The ring the clock hand sweeps; a nil slot is free for the next insert.
    private var slots: [Slot?] = []
    private var free: [Int] = []
    private var index: [StorageKey: Int] = [:]
    private var hand = 0
    private(set) var bytes = 0

    /// `capacity` entries at most, and `byteLimit` bytes of values; a single
    /// value larger than a sixteenth of the byte limit is never kept.
    init(capacity: Int, byteLimit: Int) {
        self.capacity = max(1, capacity)
        self.byteLimit = max(1, byteLimit)
    }

    var count: Int { index.count }

    mutating func value(_ key: StorageKey) -> Data? {
        guard let position = index[key], let slot = slots[position] else { return nil }
        if !slot.referenced { slots[position]?.referenced = true }
        return slot.value
    }

    mutating func insert(_ key: StorageKey, _ value: Data) {
        remove(key)
        guard value.count <= byteLimit / 16 else { return }
        while index.count >= capacity || bytes + value.count > byteLimit, evictOne() {}
        let slot = Slot(key: key, value: value, referenced: false)
        let position: Int
        if let reused = free.popLast() {
            slots[reused] = slot
            position = reused
        } else {
            slots.append(slot)
            position = slots.count - 1
        }
        index[key] = position
        bytes += value.count
    }

    mutating func remove(_ key: StorageKey) {
        guard let position = index.removeValue(forKey: key) else { return }
        release(position)
    }

    /// Every key that starts with `prefix`, compared by bytes.
    mutating func remove(prefix: String) {
        for (key, position) in index where key.hasPrefix(prefix) {
            index.removeValue(forKey: key)
            release(position)
        }
    }

    mutating func removeAll() {
        self = ReadCache(capacity: capacity, byteLimit: byteLimit)
    }

    private mutating func release(_ position: Int) {
        bytes -= slots[position]?.value.count ?? 0
        slots[position] = nil
        free.append(position)
    }

    /// Moves the hand to the first slot not referenced since the hand last
    /// passed it, clearing the bits it passes, and evicts that slot. False when
    /// nothing is left to evict.
    private mutating func evictOne() -> Bool {
        guard !index.isEmpty, !slots.isEmpty else { return false }
        // Two sweeps at most: the first clears every bit it passes.
        for _ in 0..<(2 * slots.count) {
            let position = hand
            hand = (hand + 1) % slots.count
            guard let slot = slots[position] else { continue }
            if slot.referenced {
                slots[position]?.referenced = false
                continue
            }
            index.removeValue(forKey: slot.key)
            release(position)
            return true
        }
        return false
    }
}
