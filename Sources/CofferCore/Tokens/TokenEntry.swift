import CofferEncoding
import Foundation

/// A token as the store keeps it. The token's own id is never stored: entries are
/// found by a salted hash of it.
package struct TokenEntry: Sendable, Equatable {
    package var accessor: String
    package var policies: [String]
    /// The path that created it (`auth/token/root`, `auth/jwt/login`).
    package var path: String
    package var displayName: String
    package var meta: [String: String]?
    package var creationTime: Date
    /// The TTL it was created with, in seconds; 0 means it never expires.
    package var creationTTL: Int64
    /// When it stops working; nil for tokens that never expire.
    package var expireTime: Date?
    package var explicitMaxTTL: Int64
    package var period: Int64
    /// Uses left; 0 means unlimited.
    package var numUses: Int
    package var renewable: Bool
    /// The hashed id of the parent token, nil for orphans.
    package var parentHash: String?
    package var type: String
    package var boundCIDRs: [String]?
    package var lastRenewal: Date?
    /// The salted hash of its own id: the key it is stored under.
    package var hash: String
    /// The identity store's entity a login's token belongs to; empty for tokens
    /// the token store made (as Vault).
    package var entityID: String = ""

    package var isRoot: Bool { policies.contains("root") }

    package static let serviceType = "service"
    package static let batchType = "batch"

    /// A batch token: carried by the client, never stored (`BatchToken`).
    package var isBatch: Bool { type == Self.batchType }

    /// The token whose revocation takes this token's leases with it: the token
    /// itself, or for a batch token (which cannot be revoked) its parent, none for
    /// an orphan (its leases end at their own expiry, cut to the token's), as Vault.
    package var leaseOwnerHash: String? { isBatch ? parentHash : hash }

    /// `numUses` of a token whose last use was just taken; it is revoked after the request.
    package static let spent = -1

    package var isSpent: Bool { numUses == Self.spent }

    package func isExpired(at now: Date) -> Bool {
        guard let expireTime else { return false }
        return now >= expireTime
    }

    /// Seconds left before it expires (0 for a token that never does).
    package func ttl(at now: Date) -> Int64 {
        guard let expireTime else { return 0 }
        return max(0, Int64(saturating: expireTime.timeIntervalSince(now).rounded(.down)))
    }
}
