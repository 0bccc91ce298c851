import Foundation
import Synchronization

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
    /// Expiries by token hash and by lease id. Behind locks rather than the
    /// actor, so that recording one (every login) needs no hop to the actor.
    private let pendingTokens = ShardedExpiryQueue()
    private let pendingLeases = ShardedExpiryQueue()
    private var sweeper: Task<Void, Never>?
    private let retry: RevocationRetry

    init(tokens: TokenStore, leases: LeaseStore, clock: @escaping @Sendable () -> Date, retry: RevocationRetry = .standard) {
        self.tokens = tokens
        self.leases = leases
        self.clock = clock
        self.retry = retry
    }

    /// After unseal: learn every stored expiry and start sweeping.
    func load() async throws {
        pendingTokens.removeAll()
        pendingLeases.removeAll()
        // Requests are served while this reads storage: what they record is newer
        // than what was read, so it is kept.
        let tokenExpiries = try await tokens.allEntries().compactMap { entry in entry.expireTime.map { (entry.hash, $0) } }
        let leaseExpiries = try await leases.expiringSecretLeases()
        for (hash, expiry) in tokenExpiries { pendingTokens.setIfAbsent(hash, expiry) }
        for (id, expiry) in leaseExpiries { pendingLeases.setIfAbsent(id, expiry) }
        await revokeExpired()
        startSweeping()
    }

    /// On seal: stop; nothing may be revoked without the keys.
    func unload() {
        sweeper?.cancel()
        sweeper = nil
        pendingTokens.removeAll()
        pendingLeases.removeAll()
    }

    package nonisolated func track(_ entry: TokenEntry) {
        pendingTokens.set(entry.hash, entry.expireTime)
    }

    package nonisolated func track(_ lease: LeaseEntry) {
        guard lease.kind == .secret else { return }
        pendingLeases.set(lease.id, lease.expireTime)
    }

    package nonisolated func forget(token hash: String) {
        pendingTokens.set(hash, nil)
    }

    package nonisolated func forget(lease id: String) {
        pendingLeases.set(id, nil)
    }

    package nonisolated var pendingCount: Int { pendingTokens.count + pendingLeases.count }

    /// Tokens with an expiry (`coffer_expire_num_tokens`); root and other tokens without a TTL are not here.
    package nonisolated var pendingTokenCount: Int { pendingTokens.count }

    /// Secret leases waiting to expire (`coffer_expire_num_leases`, Vault's `expire.num_leases`).
    package nonisolated var pendingLeaseCount: Int { pendingLeases.count }

    /// Revokes everything whose time has come; returns how many.
    @discardableResult
    package func revokeExpired() async -> Int {
        let now = clock()
        // Take what is due out of the pending set, then revoke outside the lock.
        let dueTokens = pendingTokens.popDue(at: now)
        let dueLeases = pendingLeases.popDue(at: now)
        var revoked = 0
        for (hash, expiry) in dueTokens {
            do {
                try await tokens.revoke(hash: hash)
                revoked += 1
            } catch {
                // Still expired, still refused at lookup; the next sweep retries.
                pendingTokens.set(hash, expiry)
            }
        }
        for (id, _) in dueLeases {
            do {
                try await leases.revoke(id)
                revoked += 1
            } catch {
                await revocationFailed(id, CoreError.from(error).messages.joined(separator: "; "))
            }
        }
        return revoked
    }

    /// A lease whose secret could not be revoked (its database is down, say):
    /// tried again after a backoff with jitter, then daily once irrevocable; the
    /// attempt count is stored, so a restart resumes the schedule.
    package func revocationFailed(_ id: String, _ error: String) async {
        do {
            guard let next = try await leases.recordFailedRevocation(id, error: error, retry: retry, unit: Double.random(in: 0..<1))
            else { return }
            pendingLeases.set(id, next)
        } catch {
            // Storage failed too: keep the lease pending; the next sweep after the base wait retries.
            pendingLeases.set(id, clock().addingTimeInterval(retry.base))
        }
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
