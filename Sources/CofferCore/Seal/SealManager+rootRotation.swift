import Crypto
import Foundation

extension SealManager {
    /// Where a root key rotation stands, for `GET sys/rotate/root/init` and `.../verify`.
    struct RootRotationStatus: Sendable {
        /// The threshold of the key shares in use.
        let required: Int
        let attempt: RootRotation.Attempt?
    }

    /// The outcome of one share given to a rotation or its verification.
    enum RootRotationStep: Sendable {
        case needMore(progress: Int)
        /// The new key is made: its shares, and whether it is installed already
        /// (false: waiting for verification under `verificationNonce`).
        case rotated(newShares: [[UInt8]], installed: Bool, verificationNonce: String)
        /// The verification's shares rebuilt the pending key, which is now installed.
        case verified
    }

    func rootRotationStatus() async throws -> RootRotationStatus {
        RootRotationStatus(required: try await currentThreshold(), attempt: rootRotation.attempt)
    }

    func startRootRotation(shares: Int, threshold: Int, requireVerification: Bool) async throws -> RootRotationStatus {
        _ = try await currentThreshold()
        if let problem = Self.validate(shares: shares, threshold: threshold) {
            throw CoreError.badRequest("invalid rotate seal configuration: \(problem)")
        }
        try rootRotation.start(nonce: UUIDs.make(), shares: shares, threshold: threshold, requireVerification: requireVerification)
        return try await rootRotationStatus()
    }

    func cancelRootRotation() {
        rootRotation.finish()
    }

    /// Takes a share of the key in use; at the threshold the shares must rebuild
    /// it (or the shares start over), and a new root key is made and split.
    func provideRootRotationShare(_ share: [UInt8], nonce: String) async throws -> RootRotationStep {
        let required = try await currentThreshold()
        switch try rootRotation.add(share, nonce: nonce, threshold: required) {
        case .needMore(let progress):
            return .needMore(progress: progress)
        case .tryKey(let parts):
            guard let keyBytes = try? Shamir.combine(parts), barrier.isRootKey(keyBytes) else {
                throw CoreError.badRequest("failed to read root key: invalid key: failed to decrypt keys from storage")
            }
            guard let attempt = rootRotation.attempt else { throw CoreError.badRequest("no rotation in progress") }
            let newKey = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
            let newShares = try Shamir.split(newKey, shares: attempt.shares, threshold: attempt.threshold)
            if attempt.requireVerification {
                let verificationNonce = UUIDs.make()
                rootRotation.awaitVerification(of: newKey, nonce: verificationNonce)
                return .rotated(newShares: newShares, installed: false, verificationNonce: verificationNonce)
            }
            try await install(newKey, attempt: attempt)
            return .rotated(newShares: newShares, installed: true, verificationNonce: "")
        }
    }

    /// Takes a share of the pending new key; a quorum that rebuilds it installs it,
    /// any other quorum starts the verification over under a new nonce.
    func provideRootRotationVerification(_ share: [UInt8], nonce: String) async throws -> RootRotationStep {
        switch try rootRotation.addVerification(share, nonce: nonce) {
        case .needMore(let progress):
            return .needMore(progress: progress)
        case .tryKey(let parts):
            guard let attempt = rootRotation.attempt, let pending = attempt.pending else {
                throw CoreError.badRequest("no rotation in progress")
            }
            guard let keyBytes = try? Shamir.combine(parts), keyBytes == pending.rootKey else {
                rootRotation.restartVerification(nonce: UUIDs.make())
                throw CoreError.badRequest("rotation verification failed; incorrect key shares supplied")
            }
            try await install(pending.rootKey, attempt: attempt)
            return .verified
        }
    }

    /// `DELETE sys/rotate/root/verify`: the new shares must be given again, under a new nonce.
    func restartRootRotationVerification() throws {
        guard rootRotation.attempt?.pending != nil else { throw CoreError.badRequest("no rotation configuration found") }
        rootRotation.restartVerification(nonce: UUIDs.make())
    }

    /// Stores the keyring under the new root key together with the new share
    /// configuration, in one write: a crash leaves the old key and shares, or the
    /// new ones, never one without the other.
    private func install(_ newKey: [UInt8], attempt: RootRotation.Attempt) async throws {
        let newConfig = SealConfig(shares: attempt.shares, threshold: attempt.threshold)
        try await barrier.replaceRootKey(SymmetricKey(data: newKey), sealConfig: try newConfig.encoded())
        adoptConfig(newConfig)
        rootRotation.finish()
    }

    /// The number of shares that rebuild the root key; refuses an uninitialized server.
    private func currentThreshold() async throws -> Int {
        guard let config = try await currentConfig() else { throw CoreError.badRequest("Vault is not initialized") }
        return config.threshold
    }
}
