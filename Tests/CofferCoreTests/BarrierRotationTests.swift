import CofferMountKit
import CofferStorage
import Crypto
import Foundation
import Synchronization
import Testing

@testable import CofferCore

/// Physical storage that refuses the keyring's put once told to: a crash or a
/// storage outage at the moment a rotation stores the new keyring.
private final class KeyringPutFails: PhysicalStorage {
    let inner = MemoryStorage()
    let failing = Mutex(false)
    var typeName: String { "inmem" }

    func get(_ key: String) async throws -> Data? { try await inner.get(key) }
    func put(_ key: String, _ value: Data) async throws {
        if key == SecurityBarrier.keyringPath, failing.withLock({ $0 }) { throw BarrierError.corrupt }
        try await inner.put(key, value)
    }
    func delete(_ key: String) async throws { try await inner.delete(key) }
    func list(prefix: String) async throws -> [String] { try await inner.list(prefix: prefix) }
    func delete(prefix: String) async throws { try await inner.delete(prefix: prefix) }
    func apply(_ writes: [PhysicalWrite]) async throws { try await inner.apply(writes) }
}

@Suite struct BarrierRotationTests {
    func unsealed(_ physical: any PhysicalStorage, now: Date = Date()) async throws -> (SecurityBarrier, SymmetricKey) {
        let barrier = SecurityBarrier(physical: physical, clock: { now })
        let rootKey = SymmetricKey(size: .bits256)
        try await barrier.initialize(rootKey: rootKey)
        try await barrier.unseal(rootKey: rootKey)
        return (barrier, rootKey)
    }

    @Test("fifty concurrent rotations make fifty terms, and every value written meanwhile still reads after unseal")
    func concurrentRotationsAreSerialized() async throws {
        let physical = MemoryStorage()
        let (barrier, rootKey) = try await unsealed(physical)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask { try await barrier.rotate() }
                group.addTask { try await barrier.put("values/\(index)", Data("v\(index)".utf8)) }
            }
            try await group.waitForAll()
        }
        #expect(try barrier.keyStatus().term == 51)
        barrier.seal()
        try await barrier.unseal(rootKey: rootKey)
        for index in 0..<50 {
            #expect(try await barrier.get("values/\(index)") == Data("v\(index)".utf8))
        }
    }

    @Test("a rotation whose keyring cannot be stored changes nothing: the old term stays active and every value reads after a restart")
    func failedRotationLosesNothing() async throws {
        let physical = KeyringPutFails()
        let (barrier, rootKey) = try await unsealed(physical)
        try await barrier.put("before", Data("1".utf8))
        physical.failing.withLock { $0 = true }
        await #expect(throws: BarrierError.corrupt) { try await barrier.rotate() }
        #expect(try barrier.keyStatus().term == 1)
        try await barrier.put("after", Data("2".utf8))
        physical.failing.withLock { $0 = false }

        let restarted = SecurityBarrier(physical: physical)
        try await restarted.unseal(rootKey: rootKey)
        #expect(try await restarted.get("before") == Data("1".utf8))
        #expect(try await restarted.get("after") == Data("2".utf8))
    }

    @Test("a crash right after the new keyring is stored loses nothing: a restarted server uses the new term and reads the old values")
    func crashAfterStoreLosesNothing() async throws {
        let physical = MemoryStorage()
        let (barrier, rootKey) = try await unsealed(physical)
        try await barrier.put("old", Data("1".utf8))
        // What `rotate` stores before it switches over; then the process dies.
        let current = try barrier.unsealedState()
        try await barrier.storeKeyring(try current.keyring.rotated(now: Date()), rootKey: rootKey)

        let restarted = SecurityBarrier(physical: physical)
        try await restarted.unseal(rootKey: rootKey)
        #expect(try restarted.keyStatus().term == 2)
        #expect(try await restarted.get("old") == Data("1".utf8))
        try await restarted.put("new", Data("2".utf8))
        #expect(try BarrierCipher.term(of: try #require(try await physical.get("new"))) == 2)
    }

    @Test("key status counts encryptions of the active term, keeps the count across seal, and starts again at zero after a rotation")
    func keyStatusCountsEncryptions() async throws {
        let physical = MemoryStorage()
        let installed = Date(timeIntervalSince1970: 1_800_000_000)
        let (barrier, rootKey) = try await unsealed(physical, now: installed)
        for index in 0..<7 { try await barrier.put("k\(index)", Data()) }
        try await barrier.apply([.put("a", Data()), .put("b", Data()), .delete("k0")])
        #expect(try barrier.keyStatus() == KeyStatus(term: 1, installTime: installed, encryptions: 9))
        try await barrier.storeEncryptionCount()
        barrier.seal()
        try await barrier.unseal(rootKey: rootKey)
        #expect(try barrier.keyStatus().encryptions == 9)
        try await barrier.rotate()
        #expect(try barrier.keyStatus().encryptions == 0)
    }

    @Test("the rotation policy rotates once its operation count or interval is reached, and is kept in the keyring")
    func policyRotatesWhenDue() async throws {
        let physical = MemoryStorage()
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let barrier = SecurityBarrier(physical: physical, clock: { clock.withLock { $0 } })
        let rootKey = SymmetricKey(size: .bits256)
        try await barrier.initialize(rootKey: rootKey)
        try await barrier.unseal(rootKey: rootKey)

        var config = KeyRotationConfig()
        config.interval = KeyRotationConfig.minimumInterval
        try await barrier.setRotationConfig(config)
        #expect(try await barrier.rotateIfDue() == false)
        clock.withLock { $0 += Double(KeyRotationConfig.minimumInterval) }
        #expect(try await barrier.rotateIfDue() == true)
        #expect(try barrier.keyStatus().term == 2)

        barrier.seal()
        try await barrier.unseal(rootKey: rootKey)
        #expect(try barrier.rotationConfig() == config)
    }

    @Test("is-due: by operations, by age, never when disabled")
    func isDue() {
        let start = Date(timeIntervalSince1970: 0)
        var config = KeyRotationConfig()
        #expect(!config.isDue(encryptions: 3_865_470_565, installedAt: start, now: start))
        #expect(config.isDue(encryptions: 3_865_470_566, installedAt: start, now: start))
        config.interval = 86_400
        #expect(config.isDue(encryptions: 0, installedAt: start, now: start + 86_400))
        #expect(!config.isDue(encryptions: 0, installedAt: start, now: start + 86_399))
        config.enabled = false
        #expect(!config.isDue(encryptions: .max, installedAt: start, now: .distantFuture))
    }

    @Test(
        "OpenBao's limits on the rotation policy",
        arguments: [
            (Int64?.some(999_999), Int64?.none, "max_operations must be in the range [1000000,3865470566]"),
            (3_865_470_567, nil, "max_operations must be in the range [1000000,3865470566]"),
            (-1, nil, "max_operations must be in the range [1000000,3865470566]"),
            (nil, 3600, "interval must be greater or equal to 24h0m0s"),
        ])
    func policyLimits(maxOperations: Int64?, interval: Int64?, message: String) {
        #expect(KeyRotationConfig.validate(maxOperations: maxOperations, interval: interval) == message)
    }

    @Test(
        "a keyring read back from storage with bad terms, keys or times is refused as corrupt, never a crash",
        arguments: [
            #"{"activeTerm":1,"keys":{"x":"AAAA"}}"#,
            #"{"activeTerm":2,"keys":{"1":"\#(Data(count: 32).base64EncodedString())"}}"#,
            #"{"activeTerm":1,"keys":{"1":"AAAA"}}"#,
            #"{"activeTerm":1,"keys":{"99999999999":"\#(Data(count: 32).base64EncodedString())"}}"#,
            #"{"activeTerm":-1,"keys":{}}"#,
            #"{"activeTerm":1,"keys":{"1":"\#(Data(count: 32).base64EncodedString())"},"rotation":{"enabled":true,"maxOperations":0,"interval":0}}"#,
            "not json",
        ])
    func corruptKeyring(text: String) {
        #expect(throws: BarrierError.corrupt) { try Keyring(serialized: Data(text.utf8)) }
    }
}
