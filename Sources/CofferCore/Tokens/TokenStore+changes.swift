import CofferMountKit
import Foundation

extension TokenStore {
    /// Checks a token for one request and spends one of its uses. A refused request
    /// spends a use too, as in Vault. The last use marks the token spent at once
    /// (no second request gets it) and the caller revokes it once the request is
    /// done, so the request can still read the token's cubbyhole (unwrapping).
    package func use(_ tokenID: String) async throws -> TokenEntry? {
        guard !tokenID.isEmpty else { return nil }
        // A batch token has no uses to count: it is read from itself, not from storage.
        if BatchToken.isBatch(tokenID) { return try await batchEntry(tokenID) }
        let key = try hash(tokenID)
        // A token with unlimited uses never gains a limit: it needs no lock.
        guard let unlocked = try await entry(hash: key) else { return nil }
        guard unlocked.numUses != 0 else { return unlocked }
        return try await locks.withLock(key) {
            // Read again under the lock: a revocation or another use may have come first.
            guard var entry = try await self.entry(hash: key) else { return nil }
            guard entry.numUses > 0 else { return entry }
            entry.numUses = entry.numUses == 1 ? TokenEntry.spent : entry.numUses - 1
            try await self.barrier.put(Self.idPrefix + key, entry.stored)
            return entry
        }
    }

    /// Extends a token's life (spec §5.4), under its lock: a renewal racing a use
    /// keeps the use spent, and one racing a revocation finds the token gone.
    package func renew(hash key: String, increment: Int64?, maxTTL: Int64) async throws -> TokenEntry {
        try await locks.withLock(key) {
            guard var entry = try await self.entry(hash: key) else { throw CoreError.badRequest("invalid token") }
            guard entry.renewable, entry.expireTime != nil else { throw CoreError.badRequest("lease is not renewable") }
            let now = self.clock()
            entry.expireTime = now.addingTimeInterval(TimeInterval(entry.renewedTTL(increment: increment, systemMax: maxTTL, now: now)))
            entry.lastRenewal = now
            try await self.barrier.put(Self.idPrefix + key, entry.stored)
            return entry
        }
    }
}

extension TokenEntry {
    /// The TTL a renewal grants, as OpenBao's `CalculateTTL`: a periodic token gets
    /// its period, others `increment` (or their creation TTL); neither goes past
    /// the system maximum nor past creation + `explicit_max_ttl`.
    package func renewedTTL(increment: Int64?, systemMax: Int64, now: Date) -> Int64 {
        let systemMax = max(1, systemMax)
        let elapsed = Self.seconds(now.timeIntervalSince(creationTime))
        if period > 0 {
            let ttl = min(period, systemMax)
            guard explicitMaxTTL > 0 else { return ttl }
            return max(0, min(ttl, explicitMaxTTL - elapsed))
        }
        let wanted = increment.flatMap { $0 > 0 ? $0 : nil } ?? creationTTL
        let limit = explicitMaxTTL > 0 ? min(explicitMaxTTL, systemMax) : systemMax
        return max(0, min(wanted, limit - elapsed))
    }

    /// Whole seconds of an interval, 0 and up, clamped (a stored date far off must not trap).
    static func seconds(_ interval: TimeInterval) -> Int64 {
        guard interval.isFinite, interval > 0 else { return 0 }
        return Int64(exactly: min(interval, 1e15).rounded(.down)) ?? 0
    }
}
