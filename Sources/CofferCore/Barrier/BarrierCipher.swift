import CofferMountKit
import Crypto
import Foundation

/// The ciphertext format: `[version 0x01][term: 4 bytes BE][AES-256-GCM nonce|ciphertext|tag]`.
///
/// The storage path is the associated data, so a ciphertext copied to another key
/// (say, one token entry moved over another) fails to decrypt instead of being trusted.
enum BarrierCipher {
    static let version: UInt8 = 1

    static func seal(_ plaintext: Data, path: String, key: SymmetricKey, term: UInt32) throws -> Data {
        let nonce = try SecureRandom.withBytes(12) { try AES.GCM.Nonce(data: $0) }
        let box = try AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: Array(path.utf8))
        var output = Data(capacity: 5 + 12 + plaintext.count + 16)
        output.append(version)
        withUnsafeBytes(of: term.bigEndian) { output.append(contentsOf: $0) }
        output.append(box.combined!)
        return output
    }

    /// The term a ciphertext was written under.
    static func term(of ciphertext: Data) throws -> UInt32 {
        guard ciphertext.count > 5 + 12 + 16, ciphertext.first == version else { throw BarrierError.corrupt }
        return ciphertext.dropFirst().prefix(4).reduce(0) { ($0 << 8) | UInt32($1) }
    }

    static func open(_ ciphertext: Data, path: String, key: SymmetricKey) throws -> Data {
        let body = ciphertext.dropFirst(5)
        do {
            let box = try AES.GCM.SealedBox(combined: body)
            return try AES.GCM.open(box, using: key, authenticating: Data(path.utf8))
        } catch {
            throw BarrierError.decryptionFailed
        }
    }
}
