import CofferMountKit
import Testing

/// Counts the bodies inside the lock at once, and the most there ever were.
private actor Occupancy {
    private(set) var inside = 0
    private(set) var most = 0
    func enter() {
        inside += 1
        most = max(most, inside)
    }
    func leave() { inside -= 1 }
}

/// `KeyedLock` serializes work per key (a KV key's versions, a secret ID's uses):
/// two bodies for one key never overlap, bodies for different keys do not wait.
@Suite struct KeyedLockTests {
    @Test("bodies for the same key run one at a time")
    func sameKeySerialized() async throws {
        let lock = KeyedLock()
        let occupancy = Occupancy()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await lock.withLock("key") {
                        await occupancy.enter()
                        await Task.yield()
                        await occupancy.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await occupancy.most == 1)
    }

    @Test("a body for another key runs while one key is held")
    func otherKeysProceed() async throws {
        let lock = KeyedLock()
        let (held, release) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await lock.withLock("a") {
                for await _ in held { break }
            }
        }
        // Would hang if "b" waited for "a".
        let answer = try await lock.withLock("b") { 42 }
        #expect(answer == 42)
        release.yield()
        release.finish()
        try await holder.value
    }

    @Test("a body that throws releases the key")
    func throwingReleases() async throws {
        struct Failure: Error {}
        let lock = KeyedLock()
        await #expect(throws: Failure.self) {
            try await lock.withLock("key") { throw Failure() }
        }
        #expect(try await lock.withLock("key") { "free" } == "free")
    }
}
