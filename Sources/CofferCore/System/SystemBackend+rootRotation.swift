import CofferEncoding
import CofferMountKit
import Foundation

/// `sys/rotate/root/init|update|verify`: new unseal key shares (and a new root
/// key) from a quorum of the current ones, what `bao operator rotate-keys` (the
/// old `rekey`) drives. OpenBao 2.7 serves these authenticated paths; its old
/// unauthenticated `sys/rekey/*` are refused by default, as here. Key shares
/// encrypted to PGP keys are not supported: `pgp_keys` is refused.
extension SystemBackend {
    static let rootRotationPaths: [SystemPath] = [
        SystemPath(
            "rotate/root/init",
            operations: [
                .read: { sys, c in try await sys.rootRotationStatus(c.call) },
                .update: { sys, c in try await sys.startRootRotation(c.call) },
                .delete: { sys, _ in
                    await sys.seal.cancelRootRotation()
                    return .noContent
                },
            ],
            synopsis: "Reads the progress of, starts, or cancels a rotation of the root key and its unseal key shares."
        ),
        route("rotate/root/update", [.update], "Provides a share of the current root key to the rotation.") { sys, c in
            try await sys.provideRootRotationShare(c.call)
        },
        SystemPath(
            "rotate/root/verify",
            operations: [
                .read: { sys, c in try await sys.rootRotationVerificationStatus(c.call) },
                .update: { sys, c in try await sys.provideRootRotationVerification(c.call) },
                .delete: { sys, _ in
                    try await sys.seal.restartRootRotationVerification()
                    return .noContent
                },
            ],
            synopsis: "Reads the progress of, provides a new key share to, or restarts the verification of new key shares."
        ),
    ]

    private func rootRotationStatus(_ call: BackendCall) async throws -> Response {
        let status = try await seal.rootRotationStatus()
        return answer(call, Self.statusData(status))
    }

    private static func statusData(_ status: SealManager.RootRotationStatus) -> [String: JSONValue] {
        guard let attempt = status.attempt else {
            return ["n": 0, "t": 0, "started": false, "required": JSONValue(status.required)]
        }
        return [
            "n": JSONValue(attempt.shares), "t": JSONValue(attempt.threshold), "started": true, "nonce": .string(attempt.nonce),
            "progress": JSONValue(attempt.provided.count), "required": JSONValue(status.required),
            "verification_required": .bool(attempt.requireVerification), "verification_nonce": .string(attempt.pending?.nonce ?? ""),
        ]
    }

    private func startRootRotation(_ call: BackendCall) async throws -> Response {
        let fields = RequestFields(call.request.data)
        if let pgpKeys = try fields.stringList("pgp_keys"), !pgpKeys.isEmpty {
            throw CoreError.badRequest("pgp_keys: key shares encrypted to PGP keys are not supported by this server")
        }
        let shares = try fields.int("secret_shares") ?? 0
        let threshold = try fields.int("secret_threshold") ?? 0
        // Out-of-range counts get the same words as any other bad configuration.
        let status = try await seal.startRootRotation(
            shares: Int(clamping: shares), threshold: Int(clamping: threshold),
            requireVerification: try fields.bool("require_verification") ?? false)
        return answer(call, Self.statusData(status))
    }

    private func provideRootRotationShare(_ call: BackendCall) async throws -> Response {
        let (share, nonce) = try Self.shareAndNonce(call)
        switch try await seal.provideRootRotationShare(share, nonce: nonce) {
        case .needMore:
            return answer(call, Self.statusData(try await seal.rootRotationStatus()))
        case .rotated(let newShares, let installed, let verificationNonce):
            var data: [String: JSONValue] = [
                "complete": true, "nonce": .string(nonce), "backup": false, "pgp_fingerprints": .null,
                "keys": .array(newShares.map { .string(Hex.encode($0)) }),
                "keys_base64": .array(newShares.map { .string(Data($0).base64EncodedString()) }),
                "verification_required": .bool(!installed),
            ]
            if !installed { data["verification_nonce"] = .string(verificationNonce) }
            return answer(call, data)
        case .verified:
            throw CoreError(.internal, "a rotation update answered as a verification")
        }
    }

    private func rootRotationVerificationStatus(_ call: BackendCall) async throws -> Response {
        let status = try await seal.rootRotationStatus()
        guard let attempt = status.attempt, let pending = attempt.pending else {
            throw CoreError.badRequest("no rotation configuration found")
        }
        return answer(call, Self.verificationData(attempt, pending))
    }

    private static func verificationData(_ attempt: RootRotation.Attempt, _ pending: RootRotation.PendingKey) -> [String: JSONValue] {
        [
            "n": JSONValue(attempt.shares), "t": JSONValue(attempt.threshold), "started": true, "nonce": .string(pending.nonce),
            "progress": JSONValue(pending.provided.count),
        ]
    }

    private func provideRootRotationVerification(_ call: BackendCall) async throws -> Response {
        let (share, nonce) = try Self.shareAndNonce(call)
        switch try await seal.provideRootRotationVerification(share, nonce: nonce) {
        case .needMore:
            let status = try await seal.rootRotationStatus()
            guard let attempt = status.attempt, let pending = attempt.pending else {
                throw CoreError.badRequest("no rotation in progress")
            }
            return answer(call, Self.verificationData(attempt, pending))
        case .verified, .rotated:
            return answer(call, ["complete": true, "nonce": .string(nonce)])
        }
    }

    /// The `key` and `nonce` fields of an update or a verification, checked as OpenBao does.
    private static func shareAndNonce(_ call: BackendCall) throws -> (share: [UInt8], nonce: String) {
        let fields = RequestFields(call.request.data)
        let nonce = try fields.string("nonce") ?? ""
        let key = (try fields.string("key") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else { throw CoreError.badRequest("missing required field 'key'") }
        guard !nonce.isEmpty else { throw CoreError.badRequest("missing required field 'nonce'") }
        guard let share = decodeShare(key) else { throw CoreError.badRequest("'key' must be a valid hex or base64 string") }
        if share.count < 16 { throw CoreError.badRequest("invalid key: key is shorter than minimum 16 bytes") }
        if share.count > 33 { throw CoreError.badRequest("invalid key: key is longer than maximum 33 bytes") }
        return (share, nonce)
    }

    private func answer(_ call: BackendCall, _ data: [String: JSONValue]) -> Response {
        .logical(LogicalResponse(requestID: call.request.id, data: .object(data)))
    }
}
