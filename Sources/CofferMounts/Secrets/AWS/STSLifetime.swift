import CofferMountKit

/// How long STS credentials live: the `ttl` asked for, else the role's
/// `default_sts_ttl`, else an hour (Vault's default). Asking for longer than
/// the role's `max_sts_ttl` is refused, so a job never holds credentials it
/// believes shorter-lived than they are; without a role maximum the mount's
/// max lease TTL caps it, as Vault clamps.
enum STSLifetime {
    static let defaultSeconds: Int64 = 3600

    static func seconds(asked: Int64?, role: AWSSecretsRole, roleName: String, mountMaxTTL: Int64) throws -> Int64 {
        if let asked, asked < 0 { throw MountError.badRequest("ttl cannot be negative") }
        var ttl = Self.defaultSeconds
        if let asked, asked > 0 {
            ttl = asked
        } else if role.defaultSTSTTL > 0 {
            ttl = role.defaultSTSTTL
        }
        if role.maxSTSTTL > 0 {
            guard ttl <= role.maxSTSTTL else {
                throw MountError.badRequest("ttl of \(ttl)s exceeds max_sts_ttl of \(role.maxSTSTTL)s for role \"\(roleName)\"")
            }
            return ttl
        }
        return mountMaxTTL > 0 ? min(ttl, mountMaxTTL) : ttl
    }
}
