import CofferMountKit
import Foundation
import JWTKit

/// Checks a token's signature against the mount's key source (spec/jwt-auth.md §3.3).
enum TokenVerifier: Sendable {
    case staticKeys(SignatureKeys)
    case remote(RemoteKeySet)

    /// The compact JWS's header, or the error go-jose gives for a malformed token
    /// (go-oidc, used for remote key sets, puts `oidc: malformed jwt: ` before it).
    func header(of token: String) throws -> [String: JSONValue] {
        do {
            return try Self.header(of: token)
        } catch let error as MountError {
            guard case .remote = self else { throw error }
            let detail = error.description.replacingOccurrences(of: "error validating token: error verifying token signature: ", with: "")
            throw Self.signatureError("oidc: malformed jwt: " + detail)
        }
    }

    static func header(of token: String) throws -> [String: JSONValue] {
        let parts = Self.parts(token)
        guard parts.count == 3 else { throw signatureError("go-jose/go-jose: compact JWS format must have three parts") }
        for part in parts {
            // Base64url only: letters, digits, `-` and `_` (checked on bytes: this runs per login).
            if let offset = part.firstIndex(where: { byte in
                !((byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F)
            }).map({ $0 - part.startIndex }) {
                throw signatureError("illegal base64 data at input byte \(offset)")
            }
        }
        guard let data = Data(base64URL: parts[0]), case .object(let header)? = try? JSONValue.parse(data) else {
            throw signatureError("go-jose/go-jose: invalid header")
        }
        return header
    }

    /// The dot-separated parts of a compact JWS, as bytes (String splitting walks
    /// grapheme clusters, which is slow on a 1 KB token).
    static func parts(_ token: String) -> [ArraySlice<UInt8>] {
        Array(token.utf8).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    }

    static func signatureError(_ detail: String) -> MountError {
        .badRequest("error validating token: error verifying token signature: \(detail)")
    }

    /// The verified claims; throws the message OpenBao gives for a bad signature.
    /// `allowedAlgs` is what a remote key set accepts before trying any key (go-oidc
    /// refuses `none` and HMAC outright); static keys simply fail to verify them.
    func verify(_ token: String, alg: String, kid: String?, allowedAlgs: [String]) async throws -> [String: JSONValue] {
        let bytes = Array(token.utf8)
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        // A signature that is not base64url verifies against no key.
        let signature = parts.count == 3 ? Data(base64URL: parts[2]).map(Array.init) ?? [] : []
        let signingInput = parts.count == 3 ? bytes[..<parts[1].endIndex] : []
        let signed = { (keys: SignatureKeys) in
            keys.verifies(signature: signature, signingInput: signingInput, alg: alg, kid: kid)
        }
        switch self {
        case .staticKeys(let keys):
            guard signed(keys) else { throw Self.signatureError("no known key successfully validated the token signature") }
        case .remote(let keySet):
            guard allowedAlgs.contains(alg) else {
                let expected = allowedAlgs.map { "\"\($0)\"" }.joined(separator: " ")
                throw Self.signatureError("oidc: malformed jwt: unexpected signature algorithm \"\(alg)\"; expected [\(expected)]")
            }
            let (keys, generation) = try await keySet.current()
            if !signed(keys) {
                // An unknown kid or a failed check: refetch once (shared), then retry.
                guard signed(try await keySet.refresh(after: generation)) else {
                    throw Self.signatureError("failed to verify id token signature")
                }
            }
        }
        return try Self.claims(of: parts)
    }

    /// The payload of a token whose signature has been verified.
    static func claims(of parts: [ArraySlice<UInt8>]) throws -> [String: JSONValue] {
        guard parts.count == 3, let data = Data(base64URL: parts[1]), case .object(let claims)? = try? JSONValue.parse(data) else {
            throw MountError.badRequest("error validating token: payload is not a JSON object")
        }
        return claims
    }
}

extension Data {
    /// Base64url without padding, as JWS parts are written. Translated byte by byte
    /// (String replacing goes through NSString, and this runs twice per login).
    init?(base64URL text: some Collection<UInt8>) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.count + 3)
        for byte in text {
            bytes.append(byte == UInt8(ascii: "-") ? UInt8(ascii: "+") : byte == UInt8(ascii: "_") ? UInt8(ascii: "/") : byte)
        }
        while bytes.count % 4 != 0 { bytes.append(UInt8(ascii: "=")) }
        self.init(base64Encoded: Data(bytes))
    }
}
