import CofferMountKit
import Crypto
import Foundation

/// Creates and finds tokens behind the barrier, keyed by an HMAC of the token id so
/// that neither storage nor a backup ever holds a usable token.
package actor TokenStore {
    private static let saltPath = "sys/token/salt"
    private static let idPrefix = "sys/token/id/"
    private static let accessorPrefix = "sys/token/accessor/"

    private let barrier: SecurityBarrier
    private let clock: @Sendable () -> Date
    private var salt: SymmetricKey?

    package init(barrier: SecurityBarrier, clock: @escaping @Sendable () -> Date = Date.init) {
        self.barrier = barrier
        self.clock = clock
    }

    /// Forgets the cached salt on seal.
    func reset() { salt = nil }

    /// Stores a new token and returns its id. `id` is given only for the dev root token.
    package func create(
        policies: [String], path: String, displayName: String, ttl: Int64 = 0, id: String? = nil
    ) async throws -> (id: String, entry: TokenEntry) {
        let tokenID = id ?? "s." + UUIDs.base62(24)
        let entry = TokenEntry(
            accessor: UUIDs.base62(24), policies: policies.sorted(), path: path, displayName: displayName,
            meta: nil, creationTime: clock(), ttl: ttl, explicitMaxTTL: 0, numUses: 0,
            renewable: ttl > 0, parentHash: nil, type: "service"
        )
        let key = try hash(tokenID)
        let accessorKey = try hash(entry.accessor)
        try await barrier.apply([
            .put(Self.idPrefix + key, try JSONEncoder().encode(entry)),
            .put(Self.accessorPrefix + accessorKey, Data(key.utf8)),
        ])
        return (tokenID, entry)
    }

    /// The live entry for a token id; nil when unknown or expired.
    package func lookup(_ tokenID: String) async throws -> TokenEntry? {
        guard !tokenID.isEmpty else { return nil }
        let key = try hash(tokenID)
        guard let data = try await barrier.get(Self.idPrefix + key) else { return nil }
        let entry = try JSONDecoder().decode(TokenEntry.self, from: data)
        return entry.isExpired(at: clock()) ? nil : entry
    }

    /// Removes a token.
    package func revoke(_ tokenID: String) async throws {
        let key = try hash(tokenID)
        guard let data = try await barrier.get(Self.idPrefix + key) else { return }
        let entry = try JSONDecoder().decode(TokenEntry.self, from: data)
        try await barrier.apply([
            .delete(Self.idPrefix + key),
            .delete(Self.accessorPrefix + (try hash(entry.accessor))),
        ])
    }

    /// HMAC-SHA256 of a value under this server's token salt, hex encoded.
    private func hash(_ value: String) throws -> String {
        guard let salt else { throw BarrierError.sealed }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: salt)
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Loads (or on first use creates) the salt; runs once after unseal, before any
    /// request, so that two requests can never race to create two different salts.
    func load() async throws {
        if let stored = try await barrier.get(Self.saltPath) {
            salt = SymmetricKey(data: stored)
        } else {
            let fresh = SymmetricKey(size: .bits256)
            try await barrier.put(Self.saltPath, fresh.withUnsafeBytes { Data($0) })
            salt = fresh
        }
    }
}
