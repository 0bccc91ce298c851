import CofferEncoding
import CofferMountKit
import Crypto
import Foundation

/// Records leases behind the barrier and answers `sys/leases/*` (spec §4.10).
///
/// Secret leases are revoked through the mount that issued them; token leases are
/// markers whose times and revocation belong to the token store.
package actor LeaseStore {
    static let idPrefix = "sys/expire/id/"
    /// Leases by the token that created them: revoked along with it.
    static let tokenPrefix = "sys/expire/token/"

    private let barrier: SecurityBarrier
    private let tokens: TokenStore
    private let router: MountRouter
    private let clock: @Sendable () -> Date

    init(barrier: SecurityBarrier, tokens: TokenStore, router: MountRouter, clock: @escaping @Sendable () -> Date) {
        self.barrier = barrier
        self.tokens = tokens
        self.router = router
        self.clock = clock
    }

    /// Records a mount's lease on a secret just issued; returns the entry with its id.
    func create(path: String, mountPath: String, lease: MountLease, tokenHash: String?) async throws -> LeaseEntry {
        let now = clock()
        let entry = LeaseEntry(
            id: path + "/" + UUIDs.base62(24), kind: .secret, path: path, mountPath: mountPath, issueTime: now,
            expireTime: lease.ttl > 0 ? now.addingTimeInterval(TimeInterval(lease.ttl)) : nil,
            lastRenewal: nil, lease: lease, tokenHash: tokenHash
        )
        var writes: [StorageWrite] = [.put(Self.idPrefix + entry.id, entry.stored)]
        if let tokenHash { writes.append(.put(Self.tokenPrefix + tokenHash + "/" + Self.digest(entry.id), Data(entry.id.utf8))) }
        try await barrier.apply(writes)
        return entry
    }

    /// A token's lease marker, listed as `h<hash>` under its creation path; none
    /// for a token that never expires. The token store writes it in the same
    /// batch as the token, so a token never exists without its lease.
    static func tokenMarker(for token: TokenEntry) -> [StorageWrite] {
        guard token.expireTime != nil else { return [] }
        let entry = LeaseEntry(
            id: token.path + "/h" + token.hash, kind: .token, path: token.path, mountPath: "auth/token/",
            issueTime: token.creationTime, expireTime: nil, lastRenewal: nil, lease: nil, tokenHash: token.hash
        )
        return [.put(idPrefix + entry.id, entry.stored)]
    }

    func entry(_ id: String) async throws -> LeaseEntry? {
        guard !id.isEmpty, !id.hasSuffix("/") else { return nil }
        guard let data = try await barrier.get(Self.idPrefix + id) else { return nil }
        return try LeaseEntry(stored: data)
    }

    /// The lookup answer: times from the lease, or from the token for token leases.
    func lookup(_ id: String) async throws -> JSONValue {
        guard var entry = try await entry(id) else { throw CoreError.badRequest("invalid lease") }
        var renewable = entry.lease?.renewable ?? false
        if entry.kind == .token {
            guard let hash = entry.tokenHash, let token = try await tokens.entry(hash: hash) else {
                throw CoreError.badRequest("invalid lease")
            }
            entry.expireTime = token.expireTime
            entry.lastRenewal = token.lastRenewal
            renewable = token.renewable
        }
        let now = clock()
        if let expiry = entry.expireTime, expiry <= now { throw CoreError.badRequest("invalid lease") }
        return [
            "id": .string(entry.id),
            "issue_time": .string(Timestamps.rfc3339(entry.issueTime)),
            "expire_time": entry.expireTime.map { .string(Timestamps.rfc3339($0)) } ?? .null,
            "last_renewal": entry.lastRenewal.map { .string(Timestamps.rfc3339($0)) } ?? .null,
            "renewable": .bool(renewable),
            "ttl": .int(entry.expireTime.map { max(0, Int64(saturating: $0.timeIntervalSince(now))) } ?? 0),
            "path": .string(entry.path),
        ]
    }

    /// Extends a secret lease by `increment` (or its TTL), within its max TTL.
    func renew(_ id: String, increment: Int64?, systemMax: Int64) async throws -> LeaseEntry {
        guard var entry = try await entry(id) else { throw CoreError.badRequest("lease not found") }
        if entry.kind == .token {
            guard let hash = entry.tokenHash else { throw CoreError.badRequest("lease not found") }
            let token = try await tokens.renew(hash: hash, increment: increment, maxTTL: systemMax)
            entry.expireTime = token.expireTime
            return entry
        }
        guard let lease = entry.lease, lease.renewable else { throw CoreError.badRequest("lease is not renewable") }
        let now = clock()
        if let expiry = entry.expireTime, expiry <= now { throw CoreError.badRequest("lease not found") }
        let routed = router.route(entry.mountPath)
        let config = routed?.mount.entry.config
        let limits = LeaseLimits(
            defaultTTL: config?.defaultLeaseTTL ?? 0,
            maxTTL: min(config.map { $0.maxLeaseTTL > 0 ? $0.maxLeaseTTL : systemMax } ?? systemMax, systemMax))
        let ttl = limits.ttl(
            increment: increment ?? 0, backendTTL: lease.ttl, backendMaxTTL: lease.maxTTL, issued: entry.issueTime, now: now)
        // The mount extends the secret itself first (a database user's VALID UNTIL):
        // a renewal it refuses is not recorded.
        if ttl > 0, let routed, case .plugin(let mount) = routed.mount.handler {
            try await mount.renew(lease, ttl: ttl, storage: routed.mount.storage)
        }
        entry.expireTime = now.addingTimeInterval(TimeInterval(ttl))
        entry.lastRenewal = now
        try await barrier.put(Self.idPrefix + id, entry.stored)
        return entry
    }

    /// Revokes one lease: the mount undoes the secret, then the record goes.
    /// An unknown lease is not an error (Vault answers 204). With `force`, the
    /// record goes even when the mount fails (`revoke-force`).
    func revoke(_ id: String, force: Bool = false) async throws {
        guard let entry = try await entry(id) else { return }
        do {
            switch entry.kind {
            case .token:
                if let hash = entry.tokenHash { try await tokens.revoke(hash: hash) }
            case .secret:
                if let lease = entry.lease, let routed = router.route(entry.mountPath), case .plugin(let mount) = routed.mount.handler {
                    try await mount.revoke(lease, storage: routed.mount.storage)
                }
            }
        } catch  where force {
            // The operator takes over: the secret may still exist in the backend.
        }
        var writes: [StorageWrite] = [.delete(Self.idPrefix + id)]
        if let hash = entry.tokenHash { writes.append(.delete(Self.tokenPrefix + hash + "/" + Self.digest(id))) }
        try await barrier.apply(writes)
    }

    /// Revokes every lease whose id starts with `prefix`.
    func revoke(prefix: String, force: Bool = false) async throws {
        for id in try await ids(under: prefix) { try await revoke(id, force: force) }
    }

    /// Revokes the leases a token created, and its own marker (as it is revoked).
    /// A lease whose mount fails stays, and is returned with its error, for the
    /// expiration manager to retry: one database that is down must neither stop
    /// the token's revocation nor strand the other leases.
    func revokeLeases(of token: TokenEntry) async throws -> [(id: String, error: String)] {
        let index = Self.tokenPrefix + token.hash + "/"
        var failed: [(id: String, error: String)] = []
        for key in try await barrier.list(prefix: index) {
            guard let raw = try await barrier.get(index + key) else { continue }
            let id = String(decoding: raw, as: UTF8.self)
            do {
                try await revoke(id)
            } catch {
                failed.append((id, CoreError.from(error).messages.joined(separator: "; ")))
            }
        }
        try await barrier.delete(Self.idPrefix + token.path + "/h" + token.hash)
        return failed
    }

    /// Records a failed revocation and returns when to try again: after a
    /// backoff, or, once the tries are spent, a day later with the lease marked
    /// irrevocable. Nil when the lease is gone. Stored, so a restart keeps both.
    func recordFailedRevocation(_ id: String, error: String, retry: RevocationRetry, unit: Double) async throws -> Date? {
        guard var entry = try await entry(id) else { return nil }
        let now = clock()
        entry.revokeAttempts += 1
        if entry.isIrrevocable || retry.givesUp(afterAttempt: entry.revokeAttempts) {
            entry.revokeError = RevocationRetry.keptError(entry.isIrrevocable ? error : "out of retries: " + error)
            entry.nextRevokeAttempt = now.addingTimeInterval(retry.irrevocableInterval)
        } else {
            entry.nextRevokeAttempt = now.addingTimeInterval(retry.delay(afterAttempt: entry.revokeAttempts, unit: unit))
        }
        try await barrier.put(Self.idPrefix + id, entry.stored)
        return entry.nextRevokeAttempt
    }

    /// Leases marked irrevocable, by expiry then id (OpenBao's order).
    func irrevocableLeases() async throws -> [LeaseEntry] {
        var found: [LeaseEntry] = []
        for id in try await ids(under: "") {
            if let entry = try await entry(id), entry.isIrrevocable { found.append(entry) }
        }
        return found.sorted { ($0.expireTime ?? .distantPast, $0.id) < ($1.expireTime ?? .distantPast, $1.id) }
    }

    /// Direct children under a prefix, for `LIST sys/leases/lookup/<prefix>`.
    func list(_ prefix: String) async throws -> [String] {
        try await barrier.list(prefix: Self.idPrefix + prefix)
    }

    /// Every lease id below `prefix`, depth first.
    func ids(under prefix: String) async throws -> [String] {
        var result: [String] = []
        for child in try await barrier.list(prefix: Self.idPrefix + prefix) {
            if child.hasSuffix("/") {
                result += try await ids(under: prefix + child)
            } else {
                result.append(prefix + child)
            }
        }
        return result
    }

    /// Secret leases with an expiry, for the expiration manager after unseal.
    func expiringSecretLeases() async throws -> [(id: String, expiry: Date)] {
        var result: [(String, Date)] = []
        for id in try await ids(under: "") {
            // A lease whose revocation failed is due at its next attempt.
            if let entry = try await entry(id), entry.kind == .secret, let due = entry.nextRevokeAttempt ?? entry.expireTime {
                result.append((id, due))
            }
        }
        return result
    }

    private static func digest(_ id: String) -> String {
        Hex.encode(SHA256.hash(data: Data(id.utf8)))
    }
}
