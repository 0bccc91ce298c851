import Foundation

/// Deadlines by id, with the earliest found in O(log n): a min-heap of
/// (deadline, id) beside a dictionary of the current deadline per id.
///
/// The expiry sweep runs every second over every live token; scanning them all
/// under the lock stalled the logins waiting to record theirs. A changed or
/// removed deadline leaves its old heap entry behind, skipped when it surfaces
/// (and dropped when stale entries outnumber live ones).
struct ExpiryQueue {
    private var deadlines: [String: Date] = [:]
    private var heap: [(deadline: Date, id: String)] = []

    var count: Int { deadlines.count }

    func contains(_ id: String) -> Bool {
        deadlines[id] != nil
    }

    /// Sets or (with nil) removes the deadline of `id`.
    mutating func set(_ id: String, _ deadline: Date?) {
        deadlines[id] = deadline
        if let deadline { push((deadline, id)) }
        if heap.count > 2 * deadlines.count + 1024 { rebuild() }
    }

    /// Removes and returns every id whose deadline is at or before `now`.
    mutating func popDue(at now: Date) -> [(id: String, deadline: Date)] {
        var due: [(id: String, deadline: Date)] = []
        while let top = heap.first, top.deadline <= now {
            popTop()
            // Only the entry matching the current deadline counts; others are stale.
            if deadlines[top.id] == top.deadline {
                deadlines[top.id] = nil
                due.append((top.id, top.deadline))
            }
        }
        return due
    }

    private mutating func rebuild() {
        heap = []
        for (id, deadline) in deadlines { push((deadline, id)) }
    }

    private mutating func push(_ entry: (deadline: Date, id: String)) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popTop() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
