import Foundation

/// A token as the store keeps it. The token's own id is never stored: entries are
/// found by a salted hash of it.
package struct TokenEntry: Codable, Sendable, Equatable {
    package var accessor: String
    package var policies: [String]
    /// The path that created it (`auth/token/root`, `auth/jwt/login`).
    package var path: String
    package var displayName: String
    package var meta: [String: String]?
    package var creationTime: Date
    /// Seconds; 0 means it never expires.
    package var ttl: Int64
    package var explicitMaxTTL: Int64
    package var numUses: Int
    package var renewable: Bool
    /// The hashed id of the parent token, nil for orphans.
    package var parentHash: String?
    package var type: String

    package var isRoot: Bool { policies.contains("root") }

    package var expireTime: Date? {
        ttl == 0 ? nil : creationTime.addingTimeInterval(TimeInterval(ttl))
    }

    package func isExpired(at now: Date) -> Bool {
        guard let expireTime else { return false }
        return now >= expireTime
    }
}
