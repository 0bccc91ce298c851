import CofferStorage
import Crypto
import Foundation
import Testing

@testable import CofferCore

@Suite struct BarrierTests {
    func unsealedBarrier() async throws -> (SecurityBarrier, MemoryStorage, SymmetricKey) {
        let physical = MemoryStorage()
        let barrier = SecurityBarrier(physical: physical)
        let rootKey = SymmetricKey(size: .bits256)
        try await barrier.initialize(rootKey: rootKey)
        try await barrier.unseal(rootKey: rootKey)
        return (barrier, physical, rootKey)
    }

    @Test("storage holds only ciphertext, and the barrier reads back the plaintext")
    func storageSeesCiphertextOnly() async throws {
        let (barrier, physical, _) = try await unsealedBarrier()
        let secret = Data("correct-horse-battery-staple".utf8)
        try await barrier.put("logical/abc/data", secret)
        let stored = try #require(try await physical.get("logical/abc/data"))
        #expect(stored.range(of: secret) == nil)
        #expect(try await barrier.get("logical/abc/data") == secret)
    }

    @Test("a ciphertext moved to another path does not decrypt")
    func pathIsBound() async throws {
        let (barrier, physical, _) = try await unsealedBarrier()
        try await barrier.put("sys/token/id/a", Data("a".utf8))
        let stolen = try #require(try await physical.get("sys/token/id/a"))
        try await physical.put("sys/token/id/b", stolen)
        await #expect(throws: BarrierError.decryptionFailed) { try await barrier.get("sys/token/id/b") }
    }

    @Test("a sealed barrier refuses reads and writes")
    func sealedRefuses() async throws {
        let (barrier, _, _) = try await unsealedBarrier()
        barrier.seal()
        await #expect(throws: BarrierError.sealed) { try await barrier.get("x") }
        await #expect(throws: BarrierError.sealed) { try await barrier.put("x", Data()) }
    }

    @Test("a wrong root key leaves the barrier sealed")
    func wrongKeyStaysSealed() async throws {
        let (barrier, _, _) = try await unsealedBarrier()
        barrier.seal()
        await #expect(throws: BarrierError.decryptionFailed) { try await barrier.unseal(rootKey: SymmetricKey(size: .bits256)) }
        #expect(barrier.isSealed)
    }

    @Test("after key rotation old values still decrypt and new ones use the new term")
    func rotation() async throws {
        let (barrier, physical, rootKey) = try await unsealedBarrier()
        try await barrier.put("old", Data("1".utf8))
        try await barrier.rotate()
        try await barrier.put("new", Data("2".utf8))
        #expect(try BarrierCipher.term(of: try #require(try await physical.get("old"))) == 1)
        #expect(try BarrierCipher.term(of: try #require(try await physical.get("new"))) == 2)
        barrier.seal()
        try await barrier.unseal(rootKey: rootKey)
        #expect(try await barrier.get("old") == Data("1".utf8))
        #expect(try await barrier.get("new") == Data("2".utf8))
    }

    @Test("the keyring path cannot be written through the barrier")
    func keyringIsReserved() async throws {
        let (barrier, _, _) = try await unsealedBarrier()
        await #expect(throws: BarrierError.reservedPath) { try await barrier.put("core/keyring", Data()) }
    }
}
