import CofferEncoding
import CofferMountKit
import Foundation
import JWTKit

/// Checks a token's signature against the mount's key source (spec/jwt-auth.md §3.3).
/// Each refusal is a `JWTLoginFailure` carrying go-jose's or go-oidc's text.
enum TokenVerifier: Sendable {
    case staticKeys(SignatureKeys)
    case remote(RemoteKeySet)

    /// The compact JWS's header, or the error go-jose gives for a malformed token
    /// (go-oidc, used for remote key sets, puts `oidc: malformed jwt: ` before it).
    func header(of token: CompactJWS) throws(JWTLoginFailure) -> [String: JSONValue] {
        let prefix: String
        if case .remote = self { prefix = "oidc: malformed jwt: " } else { prefix = "" }
        guard token.parts.count == 3 else {
            throw .signature(prefix + "go-jose/go-jose: compact JWS format must have three parts")
        }
        if let offset = token.firstIllegalByte() {
            throw .signature(prefix + "illegal base64 data at input byte \(offset)")
        }
        guard let bytes = Base64URL.decode(token.parts[0]), case .object(let header)? = try? JSONValue.parse(bytes) else {
            throw .signature(prefix + "go-jose/go-jose: invalid header")
        }
        return header
    }

    /// Whether a key signed the token; throws the refusal OpenBao gives for a bad
    /// signature, or the key set's problem (`.keySet`). `allowedAlgs` is what a
    /// remote key set accepts before trying any key (go-oidc refuses `none` and
    /// HMAC outright); static keys simply fail to verify them.
    func verify(_ token: CompactJWS, alg: String, kid: String?, allowedAlgs: [String]) async throws {
        // A signature that is not base64url verifies against no key.
        let signature = token.parts.count == 3 ? Base64URL.decode(token.parts[2]) ?? [] : []
        let signed = { (keys: SignatureKeys) in
            keys.verifies(signature: signature, signingInput: token.signingInput, alg: alg, kid: kid)
        }
        switch self {
        case .staticKeys(let keys):
            guard signed(keys) else { throw JWTLoginFailure.signature("no known key successfully validated the token signature") }
        case .remote(let keySet):
            guard allowedAlgs.contains(alg) else {
                let expected = allowedAlgs.map { "\"\($0)\"" }.joined(separator: " ")
                throw JWTLoginFailure.signature("oidc: malformed jwt: unexpected signature algorithm \"\(alg)\"; expected [\(expected)]")
            }
            do {
                let (keys, generation) = try await keySet.current()
                if !signed(keys) {
                    // An unknown kid or a failed check: refetch once (shared), then retry.
                    guard signed(try await keySet.refresh(after: generation)) else {
                        throw JWTLoginFailure.signature("failed to verify id token signature")
                    }
                }
            } catch let error as KeySetError {
                throw JWTLoginFailure.keySet(error.description)
            }
        }
    }

    /// The payload of a token whose signature has been verified.
    static func claims(of token: CompactJWS) throws(JWTLoginFailure) -> [String: JSONValue] {
        guard token.parts.count == 3, let bytes = Base64URL.decode(token.parts[1]), case .object(let claims)? = try? JSONValue.parse(bytes)
        else {
            throw .payloadNotObject
        }
        return claims
    }
}
