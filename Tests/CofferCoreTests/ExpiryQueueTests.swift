import Foundation
import Testing

@testable import CofferCore

/// The sweep revokes exactly what is due: a renewed deadline replaces the old
/// one, a forgotten id never comes back, and due ids come out once.
@Suite struct ExpiryQueueTests {
    let start = Date(timeIntervalSinceReferenceDate: 0)

    @Test("due ids come out once, in any order, and later ones stay")
    func dueOnce() {
        var queue = ExpiryQueue()
        for index in 0..<1000 { queue.set("t\(index)", start.addingTimeInterval(Double(index % 100))) }
        let due = queue.popDue(at: start.addingTimeInterval(49))
        #expect(due.count == 500)
        #expect(Set(due.map(\.id)).count == 500)
        #expect(due.allSatisfy { $0.deadline <= start.addingTimeInterval(49) })
        #expect(queue.popDue(at: start.addingTimeInterval(49)).isEmpty)
        #expect(queue.count == 500)
    }

    @Test("a renewed deadline replaces the old one; a removed id never comes due")
    func renewAndForget() {
        var queue = ExpiryQueue()
        queue.set("renewed", start.addingTimeInterval(10))
        queue.set("renewed", start.addingTimeInterval(100))
        queue.set("forgotten", start.addingTimeInterval(10))
        queue.set("forgotten", nil)
        #expect(queue.popDue(at: start.addingTimeInterval(50)).isEmpty)
        #expect(queue.popDue(at: start.addingTimeInterval(100)).map(\.id) == ["renewed"])
        #expect(queue.count == 0)
    }

    @Test("many renewals of one id leave one live deadline")
    func staleEntriesDropped() {
        var queue = ExpiryQueue()
        for step in 0..<10_000 { queue.set("busy", start.addingTimeInterval(Double(step))) }
        #expect(queue.count == 1)
        #expect(queue.popDue(at: start.addingTimeInterval(9_998)).isEmpty)
        #expect(queue.popDue(at: start.addingTimeInterval(9_999)).map(\.id) == ["busy"])
    }
}
