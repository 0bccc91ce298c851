import CofferMountKit
import CofferStorage
import Crypto
import Foundation
import Synchronization

/// The one place where keys meet plaintext: every value is AES-256-GCM encrypted
/// under the keyring before it reaches physical storage, and decrypted after.
///
/// The keyring itself is stored encrypted under the root key, which exists in
/// memory only between unseal and seal (it is needed to store a rotated keyring).
package final class SecurityBarrier: LogicalStorage {
    static let keyringPath = "core/keyring"
    /// The root key, sealed under the keyring's first term: how a standby learns a
    /// root key rotated by the active node.
    static let rootKeyPath = "core/root-key"

    /// What an unsealed barrier holds.
    struct Unsealed: Sendable {
        var keyring: Keyring
        let rootKey: SymmetricKey
    }

    let physical: any PhysicalStorage
    let clock: @Sendable () -> Date
    /// nil while sealed. Read on every request: lock, copy, unlock.
    private let state = Mutex<Unsealed?>(nil)
    /// Encryptions under the active term since the keyring was last stored.
    private let encryptions = Atomic<UInt64>(0)
    /// Keyring changes (rotation, its config, the stored count) happen one at a
    /// time: two rotations racing could each install a different key as the same
    /// term, and values written under the loser's key would never decrypt again.
    let keyringGate = KeyedLock()

    package init(physical: any PhysicalStorage, clock: @escaping @Sendable () -> Date = Date.init) {
        self.physical = physical
        self.clock = clock
    }

    package var isSealed: Bool { state.withLock { $0 == nil } }

    package func isInitialized() async throws -> Bool {
        try await physical.get(Self.keyringPath) != nil
    }

    /// Creates and stores a fresh keyring sealed by `rootKey`; leaves the barrier sealed.
    package func initialize(rootKey: SymmetricKey) async throws {
        guard try await !isInitialized() else { throw BarrierError.alreadyInitialized }
        try await storeKeyring(Keyring.fresh(now: clock()), rootKey: rootKey)
    }

    /// Decrypts the keyring with `rootKey`; a wrong key leaves the barrier sealed.
    package func unseal(rootKey: SymmetricKey) async throws {
        guard let stored = try await physical.get(Self.keyringPath) else { throw BarrierError.notInitialized }
        let plaintext = try BarrierCipher.open(stored, path: Self.keyringPath, key: rootKey)
        let loaded = try Keyring(serialized: plaintext)
        encryptions.store(0, ordering: .relaxed)
        state.withLock { $0 = Unsealed(keyring: loaded, rootKey: rootKey) }
    }

    package func seal() {
        state.withLock { $0 = nil }
    }

    /// Reads the stored keyring again: an HA node that takes over must see the
    /// terms the previous active added by rotating. When the previous active also
    /// replaced the root key (`sys/rotate/root`), the key this node was unsealed
    /// with no longer opens the keyring; the new one is stored under the keyring's
    /// first term (`rootKeyPath`), which this node holds, as Vault's standbys read
    /// theirs.
    func reloadKeyring() async throws {
        let current = try unsealedState()
        do {
            try await unseal(rootKey: current.rootKey)
        } catch BarrierError.decryptionFailed {
            guard let stored = try await physical.get(Self.rootKeyPath),
                let key = current.keyring.keys[try BarrierCipher.term(of: stored)]
            else { throw BarrierError.decryptionFailed }
            let rootKey = try BarrierCipher.open(stored, path: Self.rootKeyPath, key: key)
            try await unseal(rootKey: SymmetricKey(data: rootKey))
        }
    }

    /// Whether `candidate` is the root key this barrier was unsealed with (compared
    /// in constant time); false while sealed.
    package func isRootKey(_ candidate: [UInt8]) -> Bool {
        guard let rootKey = try? unsealedState().rootKey else { return false }
        return SymmetricKey(data: candidate) == rootKey
    }

    /// A key for one purpose, the same on every node unsealed with this keyring and
    /// gone at seal. Derived (HKDF) from the keyring's first data key, which no
    /// rotation of the data keys or of the root key changes, so nodes agree on it
    /// across both.
    package func derivedKey(purpose: String) throws -> SymmetricKey {
        let (_, firstKey) = try unsealedState().keyring.firstKey
        return HKDF<SHA256>.deriveKey(inputKeyMaterial: firstKey, info: Data(purpose.utf8), outputByteCount: 32)
    }

    func unsealedState() throws -> Unsealed {
        guard let current = state.withLock({ $0 }) else { throw BarrierError.sealed }
        return current
    }

    private func currentKeyring() throws -> Keyring { try unsealedState().keyring }

    /// Encryptions under the active term not yet counted in the stored keyring.
    var pendingEncryptions: UInt64 { encryptions.load(ordering: .relaxed) }

    /// Makes a just-stored keyring the one in use. `countedSoFar` is the part of the
    /// pending count it took in; nil for a new term, whose count starts at zero.
    func install(_ ring: Keyring, rootKey: SymmetricKey? = nil, countedSoFar: UInt64?) {
        state.withLock { current in
            guard let unsealed = current else { return }
            current = Unsealed(keyring: ring, rootKey: rootKey ?? unsealed.rootKey)
        }
        if let counted = countedSoFar {
            encryptions.subtract(counted, ordering: .relaxed)
        } else {
            encryptions.store(0, ordering: .relaxed)
        }
    }

    /// Stores `ring` under the root key. Storage takes the whole keyring in one put,
    /// so a crash leaves either the old keyring or the new one, never a mix.
    func storeKeyring(_ ring: Keyring, rootKey: SymmetricKey) async throws {
        let sealed = try BarrierCipher.seal(try ring.serialized(), path: Self.keyringPath, key: rootKey, term: 0)
        try await physical.put(Self.keyringPath, sealed)
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
        var sealedCount: UInt64 = 0
        let physicalWrites: [PhysicalWrite] = try writes.map { write in
            switch write {
            case .put(let key, let value):
                try Self.checkPath(key)
                sealedCount += 1
                return .put(key, try BarrierCipher.seal(value, path: key, key: ring.activeKey, term: ring.activeTerm))
            case .delete(let key):
                try Self.checkPath(key)
                return .delete(key)
            }
        }
        encryptions.add(sealedCount, ordering: .relaxed)
        try await physical.apply(physicalWrites)
    }

    /// The keyring, the root key and the seal configuration are written by the
    /// barrier and the seal alone.
    private static func checkPath(_ key: String) throws {
        if key == keyringPath || key == rootKeyPath || key == SealConfig.path { throw BarrierError.reservedPath }
    }
}
