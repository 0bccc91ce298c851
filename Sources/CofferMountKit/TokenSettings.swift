import CofferEncoding

/// The `token_*` fields every auth method's roles share (spec/jwt-auth.md §2.2),
/// with Vault's legacy aliases (`ttl`, `policies`, ...).
package struct TokenSettings: Codable, Sendable, Equatable {
    /// The system's default and maximum TTL: 768 h, as OpenBao's.
    package static let systemTTL: Int64 = 2_764_800

    package var ttl: Int64 = 0
    package var maxTTL: Int64 = 0
    package var explicitMaxTTL: Int64 = 0
    package var period: Int64 = 0
    package var policies: [String] = []
    package var noDefaultPolicy = false
    package var numUses: Int64 = 0
    package var type = "default"
    package var boundCIDRs: [String] = []
    package var strictlyBindIP = false
    /// Which legacy names were used, so that reads echo them as OpenBao does.
    package var legacyKeys: [String] = []

    package init() {}

    /// The legacy name of each field that has one.
    static let aliases: [(modern: String, legacy: String)] = [
        ("token_ttl", "ttl"), ("token_max_ttl", "max_ttl"), ("token_policies", "policies"),
        ("token_period", "period"), ("token_num_uses", "num_uses"), ("token_bound_cidrs", "bound_cidrs"),
    ]

    /// Applies the fields present in `fields` (an update changes only what is sent).
    /// The `token_` name wins over the legacy one when both are sent.
    package mutating func update(from fields: RequestFields) throws {
        func name(_ modern: String) -> String? {
            if fields.has(modern) { return modern }
            if let legacy = Self.aliases.first(where: { $0.modern == modern })?.legacy, fields.has(legacy) {
                if !legacyKeys.contains(legacy) { legacyKeys.append(legacy) }
                return legacy
            }
            return nil
        }
        func unsignedDuration(_ modern: String) throws -> Int64? {
            guard let key = name(modern), let value = try fields.duration(key) else { return nil }
            guard value >= 0 else { throw FieldError(field: key, reason: "cannot provide negative value '\(value)'") }
            return value
        }
        if let value = try unsignedDuration("token_ttl") { ttl = value }
        if let value = try unsignedDuration("token_max_ttl") { maxTTL = value }
        if let value = try unsignedDuration("token_explicit_max_ttl") { explicitMaxTTL = value }
        if let value = try unsignedDuration("token_period") { period = value }
        if let key = name("token_policies"), let value = try fields.stringList(key) { policies = value }
        if let value = try fields.bool("token_no_default_policy") { noDefaultPolicy = value }
        if let key = name("token_num_uses"), let value = try fields.int(key) {
            guard value >= 0 else { throw MountError.badRequest("'token_num_uses' cannot be negative") }
            numUses = value
        }
        if let value = try fields.string("token_type") {
            guard ["", "default", "service", "batch", "default-service", "default-batch"].contains(value) else {
                throw MountError.badRequest("invalid 'token_type' value \"\(value)\"")
            }
            type = value.isEmpty ? "default" : value
        }
        if let key = name("token_bound_cidrs"), let value = try fields.stringList(key) {
            for entry in value where CIDRBlock(entry) == nil {
                throw MountError.badRequest(
                    "error parsing address \"\(entry)\": Unable to convert \"\(entry)\" to an IPv4 or IPv6 address, or a UNIX Socket")
            }
            boundCIDRs = value
        }
        if let value = try fields.bool("token_strictly_bind_ip") { strictlyBindIP = value }
        try validate()
    }

    /// Cross-field rules that hold after every update.
    package func validate() throws {
        // A batch token has no storage entry to count uses in or to renew by a period (OpenBao's rules).
        if type == "batch" || type == "default-batch" {
            if period > 0 {
                throw MountError.badRequest("'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens")
            }
            if numUses > 0 {
                throw MountError.badRequest(
                    "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count")
            }
        }
        if strictlyBindIP, !boundCIDRs.isEmpty {
            throw MountError.badRequest("'token_strictly_bind_ip' conflicts with 'token_bound_cidrs'; set only one")
        }
        if ttl > 0, maxTTL > 0, ttl > maxTTL {
            throw MountError.badRequest("'token_ttl' cannot be greater than 'token_max_ttl'")
        }
    }

    /// A role's type as OpenBao reads it back: `default-service` and
    /// `default-batch` show as the kind they give.
    var shownType: String {
        switch type {
        case "default-service": return "service"
        case "default-batch": return "batch"
        default: return type
        }
    }

    /// The fields as a role read shows them.
    package var json: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "token_ttl": .int(ttl), "token_max_ttl": .int(maxTTL), "token_explicit_max_ttl": .int(explicitMaxTTL),
            "token_period": .int(period), "token_policies": JSONValue(policies),
            "token_no_default_policy": .bool(noDefaultPolicy), "token_num_uses": .int(numUses),
            "token_type": .string(shownType), "token_bound_cidrs": JSONValue(boundCIDRs),
            "token_strictly_bind_ip": .bool(strictlyBindIP),
        ]
        for legacy in legacyKeys {
            guard let modern = Self.aliases.first(where: { $0.legacy == legacy })?.modern else { continue }
            object[legacy] = object[modern]
        }
        return object
    }
}
