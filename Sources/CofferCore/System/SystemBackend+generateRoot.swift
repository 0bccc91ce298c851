import CofferEncoding
import CofferMountKit
import Foundation

/// `sys/generate-root-token/attempt|update` and `sys/decode-token`: a new root token
/// from a quorum of unseal key shares, XORed with a one-time password so that it
/// never crosses the wire in the clear. OpenBao 2.7 serves these authenticated
/// paths and, by default, refuses the old unauthenticated `sys/generate-root/*`
/// (`disable_unauthed_generate_root_endpoints`), so Coffer has only these.
/// PGP-encrypted tokens are not supported: an attempt names an OTP or gets one.
extension SystemBackend {
    static let rootGenerationPaths: [SystemPath] = [
        SystemPath(
            "generate-root-token/attempt",
            operations: [
                .read: { sys, c in try await sys.rootGenerationStatus(c.call, otp: "") },
                .update: { sys, c in try await sys.startRootGeneration(c.call) },
                .delete: { sys, _ in
                    await sys.seal.finishRootGeneration()
                    return .noContent
                },
            ],
            synopsis: "Reads status, initializes, or cancels a root token generation process."
        ),
        route("generate-root-token/update", [.update], "Provides an unseal key share for root token generation.") { sys, c in
            try await sys.provideRootGenerationShare(c.call)
        },
        route("decode-token", [.update], "Decodes an encoded root token with its one-time password.") { sys, c in
            try sys.decodeToken(c.call)
        },
    ]

    /// OpenBao 2.7's unauthenticated `sys/generate-root/*` and `sys/rekey/*`, off by
    /// default (`disable_unauthed_generate_root_endpoints`, `..._rekey_endpoints`):
    /// routed, but every method is refused with a 405, token or not, as it answers.
    static let disabledUnauthenticatedPaths: [SystemPath] = [
        "generate-root/attempt", "generate-root/update", "rekey/init", "rekey/update", "rekey/verify",
    ].map { path in
        route(path, MountOperation.allCases, "Disabled: use the authenticated endpoints.", unauthenticated: true) { _, _ in
            .error(CoreError(.methodNotAllowed, "unsupported operation"))
        }
    }

    private func rootGenerationStatus(_ call: BackendCall, otp: String) async throws -> Response {
        let status = try await seal.rootGenerationStatus()
        var data: [String: JSONValue] = [
            "started": .bool(status.nonce != nil), "complete": false, "progress": JSONValue(status.progress),
            "required": JSONValue(status.required), "otp": .string(otp), "otp_length": JSONValue(RootGeneration.otpLength),
        ]
        if let nonce = status.nonce {
            data["nonce"] = .string(nonce)
            data["pgp_fingerprint"] = ""
        }
        return .logical(LogicalResponse(requestID: call.request.id, data: .object(data)))
    }

    /// Starts an attempt with the caller's OTP, or with one made here and returned
    /// once in this answer.
    private func startRootGeneration(_ call: BackendCall) async throws -> Response {
        let fields = RequestFields(call.request.data)
        var otp = try fields.string("otp") ?? ""
        if let pgpKey = try fields.string("pgp_key"), !pgpKey.isEmpty {
            guard otp.isEmpty else { throw CoreError.badRequest("only one of otp or pgp_key may be given") }
            throw CoreError.badRequest("error parsing PGP key: PGP-encrypted root tokens are not supported; use an OTP")
        }
        let generated = otp.isEmpty
        if generated { otp = UUIDs.base62(RootGeneration.otpLength) }
        try await seal.startRootGeneration(otp: otp)
        return try await rootGenerationStatus(call, otp: generated ? otp : "")
    }

    /// Takes a share; at the threshold, mints a root token and answers it encoded.
    private func provideRootGenerationShare(_ call: BackendCall) async throws -> Response {
        let fields = RequestFields(call.request.data)
        let nonce = try fields.string("nonce") ?? ""
        let key = (try fields.string("key") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !nonce.isEmpty else { throw CoreError.badRequest("nonce is required") }
        guard !key.isEmpty else { throw CoreError.badRequest("key is required") }
        guard let share = Self.decodeShare(key) else { throw CoreError.badRequest("'key' must be a valid hex or base64 string") }

        var data: [String: JSONValue] = ["started": true, "nonce": .string(nonce), "pgp_fingerprint": "", "encoded_token": ""]
        switch try await seal.provideRootGenerationShare(share, nonce: nonce) {
        case .needMore(let progress, let required):
            data["progress"] = JSONValue(progress)
            data["required"] = JSONValue(required)
            data["complete"] = false
        case .verified(let otp, _, let required):
            // The attempt ends whether or not minting succeeds: its shares are spent.
            await seal.finishRootGeneration()
            let token = try await tokens.create(TokenStore.Request(policies: ["root"], path: "auth/token/root", displayName: "root")).id
            data["encoded_token"] = .string(try RootTokenEncoding.encode(token, otp: otp))
            data["progress"] = JSONValue(required)
            data["required"] = JSONValue(required)
            data["complete"] = true
        }
        return .logical(LogicalResponse(requestID: call.request.id, data: .object(data)))
    }

    private func decodeToken(_ call: BackendCall) throws -> Response {
        let fields = RequestFields(call.request.data)
        let encoded = try fields.string("encoded_token") ?? ""
        let otp = try fields.string("otp") ?? ""
        guard !encoded.isEmpty, !otp.isEmpty else { throw CoreError.badRequest("provided 'encoded_token' or 'otp' is empty") }
        let token = try RootTokenEncoding.decode(encoded, otp: otp)
        return .logical(LogicalResponse(requestID: call.request.id, data: ["token": .string(token)]))
    }
}

/// A root token XORed with its one-time password, in unpadded base64 (OpenBao's
/// `roottoken.EncodeToken`); the two must be the same length.
package enum RootTokenEncoding {
    package static func encode(_ token: String, otp: String) throws -> String {
        let tokenBytes = Array(token.utf8)
        let otpBytes = Array(otp.utf8)
        guard !tokenBytes.isEmpty, tokenBytes.count == otpBytes.count else {
            throw CoreError.badRequest("xor of root token failed: length of byte slices is not equivalent")
        }
        let mixed = zip(tokenBytes, otpBytes).map { $0 ^ $1 }
        return Data(mixed).base64EncodedString().trimmingCharacters(in: CharacterSet(charactersIn: "="))
    }

    package static func decode(_ encoded: String, otp: String) throws -> String {
        var padded = encoded.trimmingCharacters(in: .whitespacesAndNewlines)
        padded += String(repeating: "=", count: (4 - padded.utf8.count % 4) % 4)
        guard let mixed = Data(base64Encoded: padded) else {
            throw CoreError.badRequest("error decoding base64'd token: illegal base64 data")
        }
        let otpBytes = Array(otp.utf8)
        guard mixed.count == otpBytes.count else {
            throw CoreError.badRequest("xor of root token failed: length of byte slices is not equivalent")
        }
        return String(decoding: zip(mixed, otpBytes).map { $0 ^ $1 }, as: UTF8.self)
    }
}
