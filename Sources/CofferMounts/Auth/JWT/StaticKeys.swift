import Crypto
import CryptoExtras
import Foundation
import JWTKit
import X509

/// Public keys configured as PEM (`jwt_validation_pubkeys`): SubjectPublicKeyInfo
/// (RSA, ECDSA, Ed25519) or an X.509 certificate, whose key is used.
enum StaticKeys {
    enum Key: Sendable {
        case rsa(JWTKit.Insecure.RSA.PublicKey)
        case p256(ES256PublicKey)
        case p384(ES384PublicKey)
        case p521(ES512PublicKey)
        case ed25519(EdDSA.PublicKey)
    }

    static func parse(_ pem: String) -> Key? {
        let publicKey: Certificate.PublicKey
        if pem.contains("BEGIN CERTIFICATE"), let certificate = try? Certificate(pemEncoded: pem) {
            publicKey = certificate.publicKey
        } else if pem.contains("BEGIN PUBLIC KEY"), let key = try? Certificate.PublicKey(pemEncoded: pem) {
            publicKey = key
        } else {
            return nil
        }
        if let rsa = _RSA.Signing.PublicKey(publicKey), let key = try? JWTKit.Insecure.RSA.PublicKey(backing: rsa) { return .rsa(key) }
        if let p256 = P256.Signing.PublicKey(publicKey), let key = try? ES256PublicKey(backing: p256) { return .p256(key) }
        if let p384 = P384.Signing.PublicKey(publicKey), let key = try? ES384PublicKey(backing: p384) { return .p384(key) }
        if let p521 = P521.Signing.PublicKey(publicKey), let key = try? ES512PublicKey(backing: p521) { return .p521(key) }
        if let ed = Curve25519.Signing.PublicKey(publicKey) { return .ed25519(EdDSA.PublicKey(backing: ed)) }
        return nil
    }

    /// JWTKit's checker of `alg` signatures for `key`; nil when the key cannot
    /// verify that algorithm.
    static func algorithm(_ key: Key, alg: String) async -> (any JWTAlgorithm)? {
        let collection = JWTKeyCollection()
        let kid = JWKIdentifier(string: "static")
        switch (key, alg) {
        case (.rsa(let rsa), "RS256"): await collection.add(rsa: rsa, digestAlgorithm: .sha256, kid: kid)
        case (.rsa(let rsa), "RS384"): await collection.add(rsa: rsa, digestAlgorithm: .sha384, kid: kid)
        case (.rsa(let rsa), "RS512"): await collection.add(rsa: rsa, digestAlgorithm: .sha512, kid: kid)
        case (.rsa(let rsa), "PS256"): await collection.add(pss: rsa, digestAlgorithm: .sha256, kid: kid)
        case (.rsa(let rsa), "PS384"): await collection.add(pss: rsa, digestAlgorithm: .sha384, kid: kid)
        case (.rsa(let rsa), "PS512"): await collection.add(pss: rsa, digestAlgorithm: .sha512, kid: kid)
        case (.p256(let ec), "ES256"): await collection.add(ecdsa: ec, kid: kid)
        case (.p384(let ec), "ES384"): await collection.add(ecdsa: ec, kid: kid)
        case (.p521(let ec), "ES512"): await collection.add(ecdsa: ec, kid: kid)
        case (.ed25519(let ed), "EdDSA"): await collection.add(eddsa: ed, kid: kid)
        default: return nil
        }
        return try? await collection.getKey(for: kid)
    }
}
