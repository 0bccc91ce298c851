import CofferMountKit
import Crypto
import Foundation
import Synchronization

/// Creates, finds, renews and revokes tokens behind the barrier. Entries are keyed
/// by an HMAC of the token id, so neither storage nor a backup holds a usable token.
///
/// Layout: `sys/token/id/<hash>` (entry), `sys/token/accessor/<hash(accessor)>`
/// (-> hash), `sys/token/parent/<parent hash>/<child hash>` (the tree).
///
/// A class with locks rather than an actor: every request looks a token up, and
/// a hop to an actor and back costs more than the lookup.
package final class TokenStore: Sendable {
    static let saltPath = "sys/token/salt"
    static let idPrefix = "sys/token/id/"
    static let accessorPrefix = "sys/token/accessor/"
    static let parentPrefix = "sys/token/parent/"
    /// Per-token cubbyholes live here, keyed by the token's hash, and go with it.
    package static let cubbyholePrefix = "sys/cubbyhole/"

    private let barrier: SecurityBarrier
    package let clock: @Sendable () -> Date
    /// Serializes use-count changes per token, so a single-use token is used once.
    private let useLocks = KeyedLock()
    /// HMAC keyed with the store's salt, ready to copy for each hash; nil while sealed.
    private let keyedMAC = Mutex<HMAC<SHA256>?>(nil)
    /// Called with each revoked token, so its leases and expiry go with it.
    private let onRevoke = Mutex<(@Sendable (TokenEntry) async -> Void)?>(nil)

    package init(barrier: SecurityBarrier, clock: @escaping @Sendable () -> Date = Date.init) {
        self.barrier = barrier
        self.clock = clock
    }

    func setRevocationObserver(_ observer: @escaping @Sendable (TokenEntry) async -> Void) {
        onRevoke.withLock { $0 = observer }
    }

    /// Loads (or on first use creates) the salt; runs once after unseal, before any
    /// request, so that two requests can never race to create two different salts.
    func load() async throws {
        if let stored = try await barrier.get(Self.saltPath) {
            keyedMAC.withLock { $0 = HMAC(key: SymmetricKey(data: stored)) }
        } else {
            let fresh = SymmetricKey(size: .bits256)
            try await barrier.put(Self.saltPath, fresh.withUnsafeBytes { Data($0) })
            keyedMAC.withLock { $0 = HMAC(key: fresh) }
        }
    }

    /// Forgets the cached salt on seal.
    func reset() { keyedMAC.withLock { $0 = nil } }

    /// What a new token should be; the store fills in ids, times and hashes.
    package struct Request: Sendable {
        package var policies: [String]
        package var path: String
        package var displayName: String
        package var ttl: Int64 = 0
        package var explicitMaxTTL: Int64 = 0
        package var period: Int64 = 0
        package var numUses: Int = 0
        package var renewable = true
        package var meta: [String: String]? = nil
        package var parentHash: String? = nil
        package var boundCIDRs: [String]? = nil
        /// A chosen id (the dev root token); otherwise `s.` + 24 base62 characters.
        package var id: String? = nil

        package init(policies: [String], path: String, displayName: String) {
            self.policies = policies
            self.path = path
            self.displayName = displayName
        }
    }

    /// Stores a new token and returns its id with the entry. `alongside` adds
    /// writes (its lease marker) to the same atomic batch.
    package func create(
        _ request: Request, alongside: @Sendable (TokenEntry) -> [StorageWrite] = { _ in [] }
    ) async throws -> (id: String, entry: TokenEntry) {
        let tokenID = request.id ?? "s." + UUIDs.base62(24)
        let now = clock()
        let key = try hash(tokenID)
        let effectiveTTL = request.period > 0 ? request.period : request.ttl
        let entry = TokenEntry(
            accessor: UUIDs.base62(24), policies: Array(Set(request.policies)).sorted(), path: request.path,
            displayName: request.displayName, meta: request.meta, creationTime: now, creationTTL: effectiveTTL,
            expireTime: effectiveTTL > 0 ? now.addingTimeInterval(TimeInterval(effectiveTTL)) : nil,
            explicitMaxTTL: request.explicitMaxTTL, period: request.period, numUses: request.numUses,
            renewable: request.renewable && effectiveTTL > 0, parentHash: request.parentHash, type: "service",
            boundCIDRs: request.boundCIDRs, lastRenewal: nil, hash: key
        )
        var writes: [StorageWrite] = [
            .put(Self.idPrefix + key, entry.stored),
            .put(Self.accessorPrefix + (try hash(entry.accessor)), Data(key.utf8)),
        ]
        if let parent = request.parentHash {
            writes.append(.put(Self.parentPrefix + parent + "/" + key, Data()))
        }
        writes += alongside(entry)
        try await barrier.apply(writes)
        return (tokenID, entry)
    }

    /// The live entry for a token id; nil when unknown or expired.
    package func lookup(_ tokenID: String) async throws -> TokenEntry? {
        guard !tokenID.isEmpty else { return nil }
        return try await entry(hash: try hash(tokenID))
    }

    /// The live entry for an accessor; nil when unknown or expired.
    package func lookup(accessor: String) async throws -> TokenEntry? {
        guard !accessor.isEmpty, let key = try await barrier.get(Self.accessorPrefix + (try hash(accessor))) else { return nil }
        return try await entry(hash: String(decoding: key, as: UTF8.self))
    }

    /// The live entry for a hash; nil when unknown, expired, or spent.
    package func entry(hash key: String) async throws -> TokenEntry? {
        guard let data = try await barrier.get(Self.idPrefix + key) else { return nil }
        let entry = try TokenEntry(stored: data)
        return entry.isExpired(at: clock()) || entry.isSpent ? nil : entry
    }

    /// Checks a token for one request and spends one of its uses. A refused request
    /// spends a use too, as in Vault. The last use marks the token spent at once
    /// (no second request gets it) and the caller revokes it once the request is
    /// done, so the request can still read the token's cubbyhole (unwrapping).
    package func use(_ tokenID: String) async throws -> TokenEntry? {
        guard !tokenID.isEmpty else { return nil }
        let key = try hash(tokenID)
        // A token with unlimited uses never gains a limit: it needs no lock.
        guard let unlocked = try await entry(hash: key) else { return nil }
        guard unlocked.numUses != 0 else { return unlocked }
        return try await useLocks.withLock(key) {
            guard var entry = try await self.entry(hash: key) else { return nil }
            guard entry.numUses > 0 else { return entry }
            entry.numUses = entry.numUses == 1 ? TokenEntry.spent : entry.numUses - 1
            try await self.barrier.put(Self.idPrefix + key, entry.stored)
            return entry
        }
    }

    /// Extends a token's life by `increment` (or its original TTL), capped by its
    /// explicit max TTL and by the system maximum.
    package func renew(hash key: String, increment: Int64?, maxTTL: Int64) async throws -> TokenEntry {
        guard var entry = try await entry(hash: key) else { throw CoreError.badRequest("invalid token") }
        guard entry.renewable, entry.expireTime != nil else { throw CoreError.badRequest("lease is not renewable") }
        let now = clock()
        var ttl = entry.period > 0 ? entry.period : (increment.flatMap { $0 > 0 ? $0 : nil } ?? entry.creationTTL)
        if entry.period == 0 {
            let limit = entry.explicitMaxTTL > 0 ? min(entry.explicitMaxTTL, maxTTL) : maxTTL
            let deadline = entry.creationTime.addingTimeInterval(TimeInterval(limit))
            ttl = min(ttl, max(0, Int64(deadline.timeIntervalSince(now))))
        }
        entry.expireTime = now.addingTimeInterval(TimeInterval(ttl))
        entry.lastRenewal = now
        try await barrier.put(Self.idPrefix + key, entry.stored)
        return entry
    }

    /// Revokes a token and, depth first, every token below it, with their cubbyholes.
    package func revoke(hash key: String) async throws {
        for child in try await barrier.list(prefix: Self.parentPrefix + key + "/") {
            try await revoke(hash: child)
        }
        try await removeEntry(hash: key)
    }

    /// Revokes only this token: its children become orphans.
    package func revokeOrphan(hash key: String) async throws {
        for child in try await barrier.list(prefix: Self.parentPrefix + key + "/") {
            if var entry = try await rawEntry(hash: child) {
                entry.parentHash = nil
                try await barrier.put(Self.idPrefix + child, entry.stored)
            }
        }
        try await removeEntry(hash: key)
    }

    /// The salted hash of a token id, the key the store and expiry use.
    package func hash(_ value: String) throws -> String {
        guard let mac = keyedMAC.withLock({ $0 }) else { throw BarrierError.sealed }
        return mac.hex(of: value)
    }

    /// Every stored entry, expired or not (for the expiry manager after unseal).
    func allEntries() async throws -> [TokenEntry] {
        var entries: [TokenEntry] = []
        for key in try await barrier.list(prefix: Self.idPrefix) where !key.hasSuffix("/") {
            if let entry = try await rawEntry(hash: key) { entries.append(entry) }
        }
        return entries
    }

    /// Accessors of every live token (`LIST auth/token/accessors`).
    func accessors() async throws -> [String] {
        try await allEntries().filter { !$0.isExpired(at: clock()) }.map(\.accessor).sorted()
    }

    private func rawEntry(hash key: String) async throws -> TokenEntry? {
        guard let data = try await barrier.get(Self.idPrefix + key) else { return nil }
        return try TokenEntry(stored: data)
    }

    private func removeEntry(hash key: String) async throws {
        guard let entry = try await rawEntry(hash: key) else { return }
        var writes: [StorageWrite] = [
            .delete(Self.idPrefix + key),
            .delete(Self.accessorPrefix + (try hash(entry.accessor))),
        ]
        if let parent = entry.parentHash { writes.append(.delete(Self.parentPrefix + parent + "/" + key)) }
        try await barrier.apply(writes)
        try await barrier.delete(prefix: Self.cubbyholePrefix + key + "/")
        await onRevoke.withLock({ $0 })?(entry)
    }
}
