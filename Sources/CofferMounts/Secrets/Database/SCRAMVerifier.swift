import CofferMountKit
import Crypto
import CryptoExtras
import Foundation

/// PostgreSQL's SCRAM-SHA-256 password verifier
/// (`SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>`, RFC 5802/7677): with
/// `password_authentication=scram-sha-256` only this reaches the database, so
/// the plaintext never appears in its statement log.
enum SCRAMVerifier {
    static let iterations = 4096

    static func verifier(for password: String) throws -> String {
        let salt = SecureRandom.bytes(16)
        let salted = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: iterations)
        let clientKey = Data(HMAC<SHA256>.authenticationCode(for: Data("Client Key".utf8), using: salted))
        let storedKey = Data(SHA256.hash(data: clientKey))
        let serverKey = Data(HMAC<SHA256>.authenticationCode(for: Data("Server Key".utf8), using: salted))
        return
            "SCRAM-SHA-256$\(iterations):\(Data(salt).base64EncodedString())$\(storedKey.base64EncodedString()):\(serverKey.base64EncodedString())"
    }
}
