import Crypto
import Foundation

extension SealManager {
    /// Where a root generation stands, for `GET sys/generate-root-token/attempt`.
    struct RootGenerationStatus: Sendable {
        let nonce: String?
        let progress: Int
        let required: Int
    }

    /// The outcome of one share given to the attempt.
    enum RootGenerationStep: Sendable {
        case needMore(progress: Int, required: Int)
        /// The shares rebuilt the root key: mint the token, then `finishRootGeneration`.
        case verified(otp: String, nonce: String, required: Int)
    }

    func rootGenerationStatus() async throws -> RootGenerationStatus {
        let required = try await threshold()
        let attempt = rootGeneration.attempt
        return RootGenerationStatus(nonce: attempt?.nonce, progress: attempt?.shares.count ?? 0, required: required)
    }

    func startRootGeneration(otp: String) async throws {
        _ = try await threshold()
        try rootGeneration.start(otp: otp, nonce: UUIDs.make())
    }

    /// Takes one share; once the threshold is met, the shares must rebuild the root
    /// key the barrier was unsealed with, or the attempt starts over.
    func provideRootGenerationShare(_ share: [UInt8], nonce: String) async throws -> RootGenerationStep {
        // OpenBao checks the share's length before the attempt (`lockedGenerateRootUpdate`).
        if share.count < 16 { throw CoreError.badRequest("invalid key: key is shorter than minimum 16 bytes") }
        if share.count > 33 { throw CoreError.badRequest("invalid key: key is longer than maximum 33 bytes") }
        let required = try await threshold()
        switch try rootGeneration.add(share, nonce: nonce, threshold: required) {
        case .needMore(let progress):
            return .needMore(progress: progress, required: required)
        case .tryKey(let parts):
            guard let keyBytes = try? Shamir.combine(parts), barrier.isRootKey(keyBytes) else {
                throw CoreError.badRequest(
                    "root generation aborted: unable to authenticate: unable to retrieve stored keys: invalid key: failed to decrypt keys from storage: cipher: message authentication failed"
                )
            }
            // Present: `add` only returns `.tryKey` for an open attempt.
            let attempt = rootGeneration.attempt
            return .verified(otp: attempt?.otp ?? "", nonce: attempt?.nonce ?? nonce, required: required)
        }
    }

    func finishRootGeneration() {
        rootGeneration.finish()
    }

    /// The number of shares that rebuild the root key; refuses an uninitialized server.
    private func threshold() async throws -> Int {
        guard let config = try await currentConfig() else { throw CoreError.badRequest("Vault is not initialized") }
        return config.threshold
    }
}
