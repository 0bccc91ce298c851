import CofferMountKit
import CofferStorage
import Crypto
import Foundation
import Synchronization

/// The one place where keys meet plaintext: every value is AES-256-GCM encrypted
/// under the keyring before it reaches physical storage, and decrypted after.
///
/// The keyring itself is stored encrypted under the root key, which only exists in
/// memory between unseal and seal.
package final class SecurityBarrier: LogicalStorage {
    static let keyringPath = "core/keyring"

    private let physical: any PhysicalStorage
    /// nil while sealed. Read on every request: lock, copy, unlock.
    private let keyring = Mutex<Keyring?>(nil)

    package init(physical: any PhysicalStorage) {
        self.physical = physical
    }

    package var isSealed: Bool { keyring.withLock { $0 == nil } }

    package func isInitialized() async throws -> Bool {
        try await physical.get(Self.keyringPath) != nil
    }

    /// Creates and stores a fresh keyring sealed by `rootKey`; leaves the barrier sealed.
    package func initialize(rootKey: SymmetricKey) async throws {
        guard try await !isInitialized() else { throw BarrierError.alreadyInitialized }
        try await storeKeyring(Keyring.fresh(), rootKey: rootKey)
    }

    /// Decrypts the keyring with `rootKey`; a wrong key leaves the barrier sealed.
    package func unseal(rootKey: SymmetricKey) async throws {
        guard let stored = try await physical.get(Self.keyringPath) else { throw BarrierError.notInitialized }
        let plaintext = try BarrierCipher.open(stored, path: Self.keyringPath, key: rootKey)
        let loaded = try Keyring(serialized: plaintext)
        keyring.withLock { $0 = loaded }
    }

    package func seal() {
        keyring.withLock { $0 = nil }
    }

    /// Adds a new data key; later writes use it, earlier values still decrypt.
    package func rotate(rootKey: SymmetricKey) async throws {
        guard var current = keyring.withLock({ $0 }) else { throw BarrierError.sealed }
        current.rotate()
        try await storeKeyring(current, rootKey: rootKey)
        keyring.withLock { $0 = current }
    }

    private func storeKeyring(_ ring: Keyring, rootKey: SymmetricKey) async throws {
        let sealed = try BarrierCipher.seal(try ring.serialized(), path: Self.keyringPath, key: rootKey, term: 0)
        try await physical.put(Self.keyringPath, sealed)
    }

    private func currentKeyring() throws -> Keyring {
        guard let ring = keyring.withLock({ $0 }) else { throw BarrierError.sealed }
        return ring
    }

    // MARK: LogicalStorage

    package func get(_ key: String) async throws -> Data? {
        try Self.checkPath(key)
        let ring = try currentKeyring()
        guard let stored = try await physical.get(key) else { return nil }
        let term = try BarrierCipher.term(of: stored)
        guard let dataKey = ring.keys[term] else { throw BarrierError.corrupt }
        return try BarrierCipher.open(stored, path: key, key: dataKey)
    }

    package func put(_ key: String, _ value: Data) async throws {
        try await apply([.put(key, value)])
    }

    package func delete(_ key: String) async throws {
        try await apply([.delete(key)])
    }

    package func list(prefix: String) async throws -> [String] {
        _ = try currentKeyring()
        return try await physical.list(prefix: prefix)
    }

    package func delete(prefix: String) async throws {
        _ = try currentKeyring()
        guard !prefix.isEmpty, !"core/".hasPrefix(prefix) else { throw BarrierError.reservedPath }
        try await physical.delete(prefix: prefix)
    }

    package func apply(_ writes: [StorageWrite]) async throws {
        let ring = try currentKeyring()
        let physicalWrites: [PhysicalWrite] = try writes.map { write in
            switch write {
            case .put(let key, let value):
                try Self.checkPath(key)
                return .put(key, try BarrierCipher.seal(value, path: key, key: ring.activeKey, term: ring.activeTerm))
            case .delete(let key):
                try Self.checkPath(key)
                return .delete(key)
            }
        }
        try await physical.apply(physicalWrites)
    }

    /// The keyring and seal configuration live beside the barrier, not behind it.
    private static func checkPath(_ key: String) throws {
        if key == keyringPath || key == SealConfig.path { throw BarrierError.reservedPath }
    }
}
