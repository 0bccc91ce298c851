import CofferEncoding
import CofferMountKit
import Foundation

/// `auth/approle/role/<name>`: what a secret ID must be and what token it buys
/// (spec/vault-api.md §7.1).
struct AppRoleRole: Codable, Sendable, Equatable {
    var roleID: String
    var bindSecretID = true
    var secretIDBoundCIDRs: [String] = []
    var secretIDNumUses: Int64 = 0
    var secretIDTTL: Int64 = 0
    var localSecretIDs = false
    var token = TokenSettings()

    var json: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "bind_secret_id": .bool(bindSecretID),
            "local_secret_ids": .bool(localSecretIDs),
            "secret_id_bound_cidrs": JSONValue(secretIDBoundCIDRs.map(Self.shown)),
            "secret_id_num_uses": .int(secretIDNumUses),
            "secret_id_ttl": .int(secretIDTTL),
        ]
        object.merge(token.json) { _, new in new }
        object["token_bound_cidrs"] = JSONValue(token.boundCIDRs.map(Self.shown))
        return object
    }

    /// A single-address block reads back without its `/32` (or `/128`).
    static func shown(_ cidr: String) -> String {
        cidr.hasSuffix("/32") || cidr.hasSuffix("/128") ? String(cidr.prefix { $0 != "/" }) : cidr
    }

    /// Applies a role write: fields change only when sent. Validation errors are
    /// 500s in OpenBao's AppRole, and so here.
    mutating func update(from fields: RequestFields) throws {
        if let value = try fields.bool("bind_secret_id") { bindSecretID = value }
        if let value = try fields.stringList("secret_id_bound_cidrs") ?? fields.stringList("bound_cidr_list") {
            for cidr in value where CIDRBlock(cidr) == nil {
                throw MountError.internal("failed to validate CIDR blocks: invalid CIDR address: \(cidr)")
            }
            secretIDBoundCIDRs = value
        }
        if let value = try fields.int("secret_id_num_uses") {
            // A 400 in OpenBao, unlike the CIDR and constraint checks.
            guard value >= 0 else { throw MountError.badRequest("secret_id_num_uses cannot be negative") }
            secretIDNumUses = value
        }
        if let value = try fields.duration("secret_id_ttl") { secretIDTTL = value }
        if let value = try fields.bool("local_secret_ids") { localSecretIDs = value }
        // The token_* checks are 400s in OpenBao, as for every other auth method.
        try token.update(from: fields)
        if !bindSecretID, secretIDBoundCIDRs.isEmpty, token.boundCIDRs.isEmpty {
            throw MountError.internal("at least one constraint should be enabled on the role")
        }
    }
}

/// One secret ID, stored under a hash of its value: the value itself is never kept.
struct AppRoleSecretID: Codable, Sendable, Equatable {
    var accessor: String
    var roleName: String
    var created: Date
    var expires: Date?
    var lastUpdated: Date
    var numUses: Int64
    var ttl: Int64
    var cidrList: [String]
    var tokenBoundCIDRs: [String]
    var metadata: [String: String]

    func json() -> [String: JSONValue] {
        [
            "cidr_list": JSONValue(cidrList),
            "creation_time": .string(Timestamps.rfc3339(created)),
            "expiration_time": .string(expires.map(Timestamps.rfc3339) ?? "0001-01-01T00:00:00Z"),
            "last_updated_time": .string(Timestamps.rfc3339(lastUpdated)),
            "metadata": .object(metadata.mapValues { .string($0) }),
            "secret_id_accessor": .string(accessor),
            "secret_id_num_uses": .int(numUses),
            "secret_id_ttl": .int(ttl),
            "token_bound_cidrs": JSONValue(tokenBoundCIDRs),
        ]
    }
}
