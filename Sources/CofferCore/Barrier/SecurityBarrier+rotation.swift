import CofferMountKit
import Foundation

/// The active key as `sys/key-status` reports it.
package struct KeyStatus: Sendable, Equatable {
    package var term: UInt32
    package var installTime: Date
    package var encryptions: UInt64
}

extension SecurityBarrier {
    /// Adds a new data key and makes it active (`sys/rotate`); earlier values still
    /// decrypt under their own terms.
    ///
    /// The new keyring is stored before any value is written under the new term,
    /// so a crash at any point loses nothing: before the store, storage still holds
    /// the old keyring and nothing used the new key; after it, every term is there.
    package func rotate() async throws {
        try await keyringGate.withLock("keyring") {
            let current = try self.unsealedState()
            let next = try current.keyring.rotated(now: self.clock())
            try await self.storeKeyring(next, rootKey: current.rootKey)
            self.install(next, countedSoFar: nil)
        }
    }

    package func keyStatus() throws -> KeyStatus {
        let ring = try unsealedState().keyring
        return KeyStatus(
            term: ring.activeTerm, installTime: ring.activeInstallTime, encryptions: ring.storedEncryptions + pendingEncryptions)
    }

    func rotationConfig() throws -> KeyRotationConfig {
        try unsealedState().keyring.rotation
    }

    /// Stores a new rotation policy (checked by the caller against OpenBao's limits).
    func setRotationConfig(_ config: KeyRotationConfig) async throws {
        try await keyringGate.withLock("keyring") {
            let current = try self.unsealedState()
            var next = current.keyring
            let counted = self.pendingEncryptions
            next.storedEncryptions += counted
            next.rotation = config
            try await self.storeKeyring(next, rootKey: current.rootKey)
            self.install(next, countedSoFar: counted)
        }
    }

    /// Rotates when the policy says the active key is due; otherwise stores the
    /// encryption count if it moved, so the count survives a restart. Returns
    /// whether it rotated.
    @discardableResult
    func rotateIfDue() async throws -> Bool {
        let status = try keyStatus()
        let config = try rotationConfig()
        if config.isDue(encryptions: status.encryptions, installedAt: status.installTime, now: clock()) {
            try await rotate()
            return true
        }
        try await storeEncryptionCount()
        return false
    }

    /// Stores the active term's encryption count when it moved (before sealing, and
    /// on each scheduled check), so that a restart does not reset it.
    func storeEncryptionCount() async throws {
        guard pendingEncryptions > 0 else { return }
        try await keyringGate.withLock("keyring") {
            let current = try self.unsealedState()
            var next = current.keyring
            let counted = self.pendingEncryptions
            next.storedEncryptions += counted
            try await self.storeKeyring(next, rootKey: current.rootKey)
            self.install(next, countedSoFar: counted)
        }
    }
}
