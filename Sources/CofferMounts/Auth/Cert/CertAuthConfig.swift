import CofferEncoding
import CofferMountKit

/// `auth/cert/config`: the method's settings.
struct CertAuthConfig: Codable, Sendable, Equatable {
    /// Off (the default): renewing a token needs the certificate it logged in with.
    var disableBinding = false
    /// Kept and shown; Coffer's identity aliases carry no metadata yet.
    var enableIdentityAliasMetadata = false
    var ocspCacheSize: Int64 = 0

    var json: [String: JSONValue] {
        [
            "disable_binding": .bool(disableBinding),
            "enable_identity_alias_metadata": .bool(enableIdentityAliasMetadata),
            "ocsp_cache_size": .int(ocspCacheSize),
        ]
    }

    mutating func update(from fields: RequestFields) throws {
        if let value = try fields.bool("disable_binding") { disableBinding = value }
        if let value = try fields.bool("enable_identity_alias_metadata") { enableIdentityAliasMetadata = value }
        if let value = try fields.int("ocsp_cache_size") {
            guard value >= 0, value <= 1_000_000 else { throw MountError.badRequest("ocsp_cache_size must be between 0 and 1000000") }
            ocspCacheSize = value
        }
    }
}
