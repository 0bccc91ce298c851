import CofferEncoding
import CofferMountKit
import Foundation
import JWTKit

/// Signature checkers ready to use, one per key and algorithm, built once per key
/// set. A login checks its token's signature against them directly: no JWTKit
/// parsing of the token (the login parses header and claims itself) and no actor
/// hops, which together cost more than the signature check.
struct SignatureKeys: Sendable {
    struct Entry: Sendable {
        /// The key's `kid` ("" when the JWKS gives none); nil for configured PEM
        /// keys, which match any token.
        let kid: String?
        let alg: String
        let algorithm: any JWTAlgorithm
    }

    private(set) var entries: [Entry] = []

    /// Whether a key of `alg` signed `signingInput`. With a `kid`, only keys of that
    /// id are tried (as go-oidc does); without one, every key of the algorithm.
    func verifies(signature: [UInt8], signingInput: ArraySlice<UInt8>, alg: String, kid: String?) -> Bool {
        let kid = kid?.isEmpty == true ? nil : kid
        return entries.contains { entry in
            guard entry.alg == alg, kid == nil || entry.kid == nil || entry.kid == kid else { return false }
            return (try? entry.algorithm.verify(signature, signs: signingInput)) == true
        }
    }

    /// Every algorithm JWTKit can make of each key of a JWKS document. A key
    /// that names its `alg` serves only that one; a key JWTKit cannot use (an
    /// unknown kty, say) is skipped, as go-jose does.
    static func jwks(_ document: [String: JSONValue]) async -> SignatureKeys {
        var keys = SignatureKeys()
        for (index, member) in (document["keys"]?.arrayValue ?? []).enumerated() {
            guard case .object(let fields) = member, var jwk = try? JSONDecoder().decode(JWK.self, from: member.serialized()) else {
                continue
            }
            let kid = fields["kid"]?.stringValue
            // JWTKit indexes keys by kid; one without gets a private one here.
            let indexKey = JWKIdentifier(string: kid ?? "jwks-\(index)")
            jwk.keyIdentifier = indexKey
            var seen: Set<String> = []
            for alg in JWTConfig.supportedAlgorithms {
                // A fresh collection per algorithm: JWTKit keeps the first signer
                // it makes for a key without `alg`.
                let collection = JWTKeyCollection()
                guard (try? await collection.add(jwk: jwk)) != nil,
                    let algorithm = try? await collection.getKey(for: indexKey, alg: alg),
                    seen.insert(algorithm.name).inserted
                else { continue }
                keys.entries.append(Entry(kid: kid ?? "", alg: algorithm.name, algorithm: algorithm))
            }
        }
        return keys
    }

    /// The configured PEM keys, each with every algorithm it can verify.
    static func pem(_ keys: [StaticKeys.Key]) async -> SignatureKeys {
        var result = SignatureKeys()
        for alg in JWTConfig.supportedAlgorithms {
            for key in keys {
                if let algorithm = await StaticKeys.algorithm(key, alg: alg) {
                    result.entries.append(Entry(kid: nil, alg: alg, algorithm: algorithm))
                }
            }
        }
        return result
    }
}
