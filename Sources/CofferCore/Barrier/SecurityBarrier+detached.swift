import CofferMountKit
import Foundation

extension SecurityBarrier {
    /// Encrypts a value that lives outside storage (a batch token travels with
    /// its client) under the keyring's active term. `context` is the associated
    /// data, as a storage path is for stored values: a ciphertext made for one
    /// purpose never opens as another.
    package func encryptDetached(_ plaintext: Data, context: String) throws -> Data {
        let ring = try unsealedState().keyring
        return try BarrierCipher.seal(plaintext, path: context, key: ring.activeKey, term: ring.activeTerm)
    }

    /// Opens what `encryptDetached` made, under whichever term it was made with,
    /// so a rotation leaves values made before it readable. Nil for anything that
    /// is not one of ours: a client's bytes are never an error worth a 500.
    package func decryptDetached(_ ciphertext: Data, context: String) throws -> Data? {
        let ring = try unsealedState().keyring
        guard let term = try? BarrierCipher.term(of: ciphertext), let key = ring.keys[term] else { return nil }
        return try? BarrierCipher.open(ciphertext, path: context, key: key)
    }
}
