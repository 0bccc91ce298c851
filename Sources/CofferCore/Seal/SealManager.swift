import CofferStorage
import Crypto
import Foundation

/// Initialization, unseal progress and sealing. The root key is rebuilt here from
/// the shares, then held only by the unsealed barrier (to store a rotated keyring)
/// until seal.
package actor SealManager {
    /// What the rest of the core does around a seal change.
    struct Hooks: Sendable {
        /// Runs once at init, while briefly unsealed: creates tables and the root token.
        var setUp: @Sendable (_ rootTokenID: String?) async throws -> String
        var postUnseal: @Sendable () async throws -> Void
        var preSeal: @Sendable () async -> Void
        /// Runs init's writes; on an HA node, while holding the lock that fences them.
        var exclusively: @Sendable (_ body: @Sendable () async throws -> Void) async throws -> Void
    }

    private let physical: any PhysicalStorage
    let barrier: SecurityBarrier
    private let hooks: Hooks
    private var progress = UnsealProgress()
    private var config: SealConfig?
    /// The open `sys/generate-root-token` attempt, if any (SealManager+rootGeneration.swift).
    var rootGeneration = RootGeneration()
    /// The open `sys/rotate/root/*` rotation, if any (SealManager+rootRotation.swift).
    var rootRotation = RootRotation()

    init(physical: any PhysicalStorage, barrier: SecurityBarrier, hooks: Hooks) {
        self.physical = physical
        self.barrier = barrier
        self.hooks = hooks
    }

    package func status() async throws -> SealStatus {
        let config = try await loadConfig()
        return SealStatus(
            initialized: config != nil, sealed: barrier.isSealed,
            threshold: config?.threshold ?? 0, shares: config?.shares ?? 0,
            progress: progress.count, nonce: progress.nonce,
            storageType: physical.typeName, cluster: nil
        )
    }

    package func isInitialized() async throws -> Bool {
        try await loadConfig() != nil
    }

    /// Makes a root key, splits it, sets up the barrier and the root token, then seals.
    package func initialize(shares: Int, threshold: Int, rootTokenID: String? = nil) async throws -> (keys: [[UInt8]], rootToken: String) {
        if let problem = Self.validate(shares: shares, threshold: threshold) {
            throw CoreError.badRequest("invalid seal configuration: \(problem)")
        }
        guard try await loadConfig() == nil else { throw CoreError.badRequest("Vault is already initialized") }
        let outcome = InitOutcome()
        try await hooks.exclusively {
            let result = try await self.initializeStorage(shares: shares, threshold: threshold, rootTokenID: rootTokenID)
            await outcome.set(result)
        }
        guard let result = await outcome.result else { throw CoreError.badRequest("Vault is already initialized") }
        return result
    }

    /// Init's writes, in the order that makes a crash half-way retryable.
    private func initializeStorage(shares: Int, threshold: Int, rootTokenID: String?) async throws -> (keys: [[UInt8]], rootToken: String) {
        // Again under the lock: another node may have finished an init meanwhile.
        config = nil
        guard try await loadConfig() == nil else { throw CoreError.badRequest("Vault is already initialized") }

        let rootKey = SymmetricKey(size: .bits256)
        let keyBytes = rootKey.withUnsafeBytes { Array($0) }
        let parts = try Shamir.split(keyBytes, shares: shares, threshold: threshold)
        try await barrier.initialize(rootKey: rootKey)
        try await barrier.unseal(rootKey: rootKey)
        let rootToken: String
        do {
            rootToken = try await hooks.setUp(rootTokenID)
        } catch {
            barrier.seal()
            throw error
        }
        let newConfig = SealConfig(shares: shares, threshold: threshold)
        // The seal config is written last: until it exists the server counts as
        // uninitialized, so a crash half-way through init can be retried.
        try await newConfig.store(in: physical)
        config = newConfig
        await hooks.preSeal()
        barrier.seal()
        return (parts, rootToken)
    }

    /// Takes one key share; unseals when the threshold is reached and the key is right.
    package func unseal(share: [UInt8]) async throws -> SealStatus {
        guard let config = try await loadConfig() else { throw CoreError.badRequest("Vault is not initialized") }
        guard barrier.isSealed else { return try await status() }
        if share.count < 16 { throw CoreError.badRequest("invalid key: key is shorter than minimum 16 bytes") }
        if share.count > 33 { throw CoreError.badRequest("invalid key: key is longer than maximum 33 bytes") }

        switch progress.add(share, threshold: config.threshold) {
        case .needMore:
            return try await status()
        case .tryKey(let parts):
            let keyBytes: [UInt8]
            do {
                keyBytes = try Shamir.combine(parts)
            } catch {
                throw CoreError.badRequest("failed to compute root key: \(error)")
            }
            do {
                try await barrier.unseal(rootKey: SymmetricKey(data: keyBytes))
            } catch BarrierError.decryptionFailed {
                throw CoreError.badRequest(
                    "unable to retrieve stored keys: invalid key: failed to decrypt keys from storage: cipher: message authentication failed"
                )
            }
            do {
                try await hooks.postUnseal()
            } catch {
                await hooks.preSeal()
                barrier.seal()
                throw error
            }
            return try await status()
        }
    }

    /// Carries init's result out of the closure that ran it under the HA lock.
    private actor InitOutcome {
        var result: (keys: [[UInt8]], rootToken: String)?
        func set(_ value: (keys: [[UInt8]], rootToken: String)) { result = value }
    }

    package func resetProgress() {
        progress.reset()
    }

    package func seal() async {
        guard !barrier.isSealed else { return }
        await hooks.preSeal()
        barrier.seal()
        progress.reset()
        // An attempt does not outlive the keys it was checked against.
        rootGeneration.finish()
        rootRotation.finish()
    }

    /// The stored seal configuration; nil before init.
    func currentConfig() async throws -> SealConfig? {
        try await loadConfig()
    }

    /// The configuration a root key rotation has just stored.
    func adoptConfig(_ newConfig: SealConfig) {
        config = newConfig
    }

    /// Forgets the configuration read so far: another HA node may have rotated the
    /// root key, and with it the shares, while this one was a standby.
    package func forgetConfig() {
        config = nil
    }

    private func loadConfig() async throws -> SealConfig? {
        if let config { return config }
        config = try await SealConfig.load(from: physical)
        return config
    }

    /// Vault's own rules for a seal configuration.
    static func validate(shares: Int, threshold: Int) -> String? {
        if shares < 1 { return "shares must be at least one" }
        if threshold < 1 { return "threshold must be at least one" }
        if shares > 255 { return "shares must be less than 256" }
        if threshold > shares { return "threshold cannot be larger than shares" }
        if shares > 1 && threshold == 1 { return "threshold must be greater than one for multiple shares" }
        return nil
    }
}
