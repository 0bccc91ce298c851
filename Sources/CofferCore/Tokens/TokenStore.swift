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

    let barrier: SecurityBarrier
    package let clock: @Sendable () -> Date
    /// One lock per token hash: every change to a token (a use, a renewal, a
    /// child under it, its revocation) is written under it, re-reading the entry
    /// first, so no change is lost and none writes back a revoked token.
    let locks = KeyedLock()
    /// Tokens being revoked: refused at once, and closed to every other change.
    let lifecycles = TokenLifecycleTable()
    /// HMAC keyed with the store's salt, ready to copy for each hash; nil while sealed.
    private let keyedMAC = Mutex<HMAC<SHA256>?>(nil)
    /// Called with each revoked token, so its leases and expiry go with it.
    let onRevoke = Mutex<(@Sendable (TokenEntry) async -> Void)?>(nil)

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
        package var entityID = ""
        /// A chosen id (the dev root token); otherwise `s.` + 24 base62 characters.
        package var id: String? = nil
        /// A batch token: encrypted and handed out, never stored (`BatchToken`).
        package var batch = false

        package init(policies: [String], path: String, displayName: String) {
            self.policies = policies
            self.path = path
            self.displayName = displayName
        }
    }

    /// Stores a new token and returns its id with the entry. `alongside` adds
    /// writes (its lease marker) to the same atomic batch. `request.ttl` is the
    /// TTL granted (callers derive it from the period and caps); 0 never expires.
    ///
    /// A child is written under its parent's lock, and only while the parent is
    /// live: a child made while its parent is revoked is refused, never left
    /// behind with no parent. An orphan (every login) takes no lock.
    package func create(
        _ request: Request, alongside: @escaping @Sendable (TokenEntry) -> [StorageWrite] = { _ in [] }
    ) async throws -> (id: String, entry: TokenEntry) {
        if request.batch { return try await createBatch(request) }
        let tokenID = request.id ?? "s." + UUIDs.base62(24)
        let key = try hash(tokenID)
        let accessor = UUIDs.base62(24)
        let accessorKey = try hash(accessor)
        let write: @Sendable () async throws -> TokenEntry = {
            let entry = self.newEntry(request, hash: key, accessor: accessor)
            var writes: [StorageWrite] = [
                .put(Self.idPrefix + key, entry.stored),
                .put(Self.accessorPrefix + accessorKey, Data(key.utf8)),
            ]
            if let parent = request.parentHash {
                writes.append(.put(Self.parentPrefix + parent + "/" + key, Data()))
            }
            writes += alongside(entry)
            try await self.barrier.apply(writes)
            return entry
        }
        guard let parent = request.parentHash else { return (tokenID, try await write()) }
        let entry = try await locks.withLock(parent) {
            guard try await self.entry(hash: parent) != nil else { throw CoreError.badRequest("parent token not found") }
            return try await write()
        }
        return (tokenID, entry)
    }

    /// A batch token: nothing written. A child is made only while its parent is
    /// live, and every use checks the parent again (`batchEntry`), so revoking the
    /// parent ends it.
    private func createBatch(_ request: Request) async throws -> (id: String, entry: TokenEntry) {
        if let parent = request.parentHash, try await entry(hash: parent) == nil {
            throw CoreError.badRequest("parent token not found")
        }
        var entry = newEntry(request, hash: "", accessor: "")
        // Only a root token may never expire, and a batch token may not be one.
        guard entry.creationTTL > 0 else { throw CoreError.badRequest("batch tokens cannot be root tokens") }
        entry.type = TokenEntry.batchType
        entry.renewable = false
        entry.numUses = 0
        entry.period = 0
        entry.explicitMaxTTL = 0
        entry.creationTime = Date(timeIntervalSince1970: (entry.creationTime.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        entry.expireTime = entry.creationTime.addingTimeInterval(TimeInterval(entry.creationTTL))
        let id = try BatchToken.id(for: entry, barrier: barrier)
        entry.hash = try hash(id)
        return (id, entry)
    }

    /// The live entry a batch token carries: nil when forged, expired, or its parent is gone.
    func batchEntry(_ tokenID: String) async throws -> TokenEntry? {
        guard let entry = try BatchToken.entry(from: tokenID, hash: try hash(tokenID), barrier: barrier),
            !entry.isExpired(at: clock())
        else { return nil }
        if let parent = entry.parentHash, try await self.entry(hash: parent) == nil { return nil }
        return entry
    }

    private func newEntry(_ request: Request, hash key: String, accessor: String) -> TokenEntry {
        let now = clock()
        let ttl = max(0, request.ttl)
        return TokenEntry(
            accessor: accessor, policies: Array(Set(request.policies)).sorted(), path: request.path,
            displayName: request.displayName, meta: request.meta, creationTime: now, creationTTL: ttl,
            expireTime: ttl > 0 ? now.addingTimeInterval(TimeInterval(ttl)) : nil,
            explicitMaxTTL: request.explicitMaxTTL, period: request.period, numUses: request.numUses,
            renewable: request.renewable && ttl > 0, parentHash: request.parentHash, type: TokenEntry.serviceType,
            boundCIDRs: request.boundCIDRs, lastRenewal: nil, hash: key, entityID: request.entityID
        )
    }

    /// The live entry for a token id; nil when unknown or expired.
    package func lookup(_ tokenID: String) async throws -> TokenEntry? {
        guard !tokenID.isEmpty else { return nil }
        if BatchToken.isBatch(tokenID) { return try await batchEntry(tokenID) }
        return try await entry(hash: try hash(tokenID))
    }

    /// The live entry for an accessor; nil when unknown or expired.
    package func lookup(accessor: String) async throws -> TokenEntry? {
        guard !accessor.isEmpty, let key = try await barrier.get(Self.accessorPrefix + (try hash(accessor))) else { return nil }
        return try await entry(hash: String(decoding: key, as: UTF8.self))
    }

    /// The live entry for a hash; nil when unknown, expired, spent, or being revoked.
    package func entry(hash key: String) async throws -> TokenEntry? {
        guard lifecycles.acceptsChanges(key), let entry = try await rawEntry(hash: key) else { return nil }
        return entry.isExpired(at: clock()) || entry.isSpent ? nil : entry
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
        try await allEntries().filter { !$0.isExpired(at: clock()) && lifecycles.acceptsChanges($0.hash) }.map(\.accessor).sorted()
    }

    /// The stored entry, whatever its state.
    func rawEntry(hash key: String) async throws -> TokenEntry? {
        guard let data = try await barrier.get(Self.idPrefix + key) else { return nil }
        return try TokenEntry(stored: data)
    }
}
