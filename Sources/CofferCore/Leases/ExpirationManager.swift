import Foundation

/// Revokes tokens and leases when they expire. An expired token already stops
/// working at lookup, and an expired lease at lookup and renew; this removes them
/// (a token with its children, cubbyhole and leases; a lease through its mount).
///
/// Pending expiries are rebuilt from storage after each unseal, so they survive
/// a restart. Time comes from the injected clock.
package actor ExpirationManager {
    private let tokens: TokenStore
    private let leases: LeaseStore
    private let clock: @Sendable () -> Date
    private var pendingTokens: [String: Date] = [:]
    private var pendingLeases: [String: Date] = [:]
    private var sweeper: Task<Void, Never>?

    init(tokens: TokenStore, leases: LeaseStore, clock: @escaping @Sendable () -> Date) {
        self.tokens = tokens
        self.leases = leases
        self.clock = clock
    }

    /// After unseal: learn every stored expiry and start sweeping.
    func load() async throws {
        pendingTokens = [:]
        pendingLeases = [:]
        for entry in try await tokens.allEntries() {
            if let expiry = entry.expireTime { pendingTokens[entry.hash] = expiry }
        }
        for (id, expiry) in try await leases.expiringSecretLeases() {
            pendingLeases[id] = expiry
        }
        await revokeExpired()
        startSweeping()
    }

    /// On seal: stop; nothing may be revoked without the keys.
    func unload() {
        sweeper?.cancel()
        sweeper = nil
        pendingTokens = [:]
        pendingLeases = [:]
    }

    package func track(_ entry: TokenEntry) {
        pendingTokens[entry.hash] = entry.expireTime
    }

    package func track(_ lease: LeaseEntry) {
        guard lease.kind == .secret else { return }
        pendingLeases[lease.id] = lease.expireTime
    }

    package func forget(token hash: String) {
        pendingTokens[hash] = nil
    }

    package func forget(lease id: String) {
        pendingLeases[id] = nil
    }

    package var pendingCount: Int { pendingTokens.count + pendingLeases.count }

    /// Revokes everything whose time has come; returns how many.
    @discardableResult
    package func revokeExpired() async -> Int {
        let now = clock()
        var revoked = 0
        for (hash, expiry) in pendingTokens where expiry <= now {
            pendingTokens[hash] = nil
            do {
                try await tokens.revoke(hash: hash)
                revoked += 1
            } catch {
                // Still expired, still refused at lookup; the next sweep retries.
                pendingTokens[hash] = expiry
            }
        }
        for (id, expiry) in pendingLeases where expiry <= now {
            pendingLeases[id] = nil
            do {
                try await leases.revoke(id)
                revoked += 1
            } catch {
                pendingLeases[id] = expiry
            }
        }
        return revoked
    }

    private func startSweeping() {
        sweeper?.cancel()
        sweeper = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                guard let self else { return }
                await self.revokeExpired()
            }
        }
    }
}
