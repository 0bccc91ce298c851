import CofferEncoding
import Foundation
import JWTKit

/// The two documents an issuer serves (spec/circleci-oidc.md §3-4).
package enum DiscoveryDocuments {
    /// `<issuer>/.well-known/openid-configuration`: exactly CircleCI's seven keys.
    package static func configuration(issuer: String) -> JSONValue {
        [
            "issuer": .string(issuer),
            "jwks_uri": .string(issuer + "/.well-known/jwks-pub.json"),
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid"],
            "claims_supported": JSONValue(CircleCIClaims.claimNames),
        ]
    }

    /// `<issuer>/.well-known/jwks-pub.json`: every published public key.
    package static func jwks(_ keys: [SigningKeyStore.Key]) throws -> JSONValue {
        .object([
            "keys": .array(
                try keys.map { key in
                    let (modulus, exponent) = try key.privateKey.publicKey.getKeyPrimitives()
                    return [
                        "kty": "RSA", "alg": "RS256", "use": "sig", "kid": .string(key.kid),
                        "n": .string(Base64URL.encode(modulus)), "e": .string(Base64URL.encode(exponent)),
                    ]
                })
        ])
    }
}
