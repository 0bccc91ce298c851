import CofferEncoding
import CofferMountKit
import Crypto
import Foundation

@testable import CofferMounts

/// A P-256 key made in the test, and compact JWS tokens signed with it (ES256):
/// the login's verifier trusts its public key as a configured PEM key.
struct TestSigner {
    let key = P256.Signing.PrivateKey()

    /// A verifier that knows only this signer's public key.
    func verifier() async throws -> TokenVerifier {
        guard let parsed = StaticKeys.parse(key.publicKey.pemRepresentation) else { throw TestSignerError.unparsableKey }
        return .staticKeys(await SignatureKeys.pem([parsed]))
    }

    /// `claims` signed as a compact JWS; `header` replaces the usual ES256 header.
    func token(_ claims: [String: JSONValue], header: [String: JSONValue] = ["alg": "ES256", "typ": "JWT"]) throws -> String {
        let input = Self.encode(JSONValue.object(header).serialized()) + "." + Self.encode(JSONValue.object(claims).serialized())
        let signature = try key.signature(for: Data(input.utf8)).rawRepresentation
        return input + "." + Self.encode(signature)
    }

    /// Unpadded base64url, as JWS parts are written.
    static func encode(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The signer's own public key did not parse as a PEM key.
    enum TestSignerError: Error { case unparsableKey }
}
