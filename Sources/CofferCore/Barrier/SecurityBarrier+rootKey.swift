import CofferStorage
import Crypto
import Foundation

extension SecurityBarrier {
    /// Makes `newRootKey` the root key (`sys/rotate/root`): the keyring stored
    /// again under it, the new seal configuration, and the new key sealed under
    /// the keyring's first term for the standbys, in one atomic write.
    ///
    /// The data keys do not change, so nothing else is re-encrypted; from the
    /// write on, only the new key shares unseal.
    func replaceRootKey(_ newRootKey: SymmetricKey, sealConfig: Data) async throws {
        try await keyringGate.withLock("keyring") {
            let current = try self.unsealedState()
            var next = current.keyring
            let counted = self.pendingEncryptions
            next.storedEncryptions += counted
            let (firstTerm, firstKey) = next.firstKey
            let sealedRing = try BarrierCipher.seal(try next.serialized(), path: Self.keyringPath, key: newRootKey, term: 0)
            let sealedRoot = try BarrierCipher.seal(
                newRootKey.withUnsafeBytes { Data($0) }, path: Self.rootKeyPath, key: firstKey, term: firstTerm)
            try await self.physical.apply([
                .put(Self.keyringPath, sealedRing), .put(SealConfig.path, sealConfig), .put(Self.rootKeyPath, sealedRoot),
            ])
            self.install(next, rootKey: newRootKey, countedSoFar: counted)
        }
    }
}
