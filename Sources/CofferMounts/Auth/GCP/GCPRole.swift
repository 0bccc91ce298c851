import CofferEncoding
import CofferMountKit
import Foundation

/// `auth/<mount>/role/<name>`: which service accounts (`iam`) or instances
/// (`gce`) may log in, and the token they get (Vault's gcp role).
struct GCPRole: Codable, Sendable, Equatable, ShownRole {
    enum Kind: String, Codable, Sendable {
        case iam, gce
    }

    var type = Kind.iam
    /// Emails or unique IDs; `*` alone for any (iam), or nothing (gce).
    var boundServiceAccounts: [String] = []
    var boundProjects: [String] = []
    /// How far in the future an iam JWT's `exp` may lie, in seconds.
    var maxJWTExp: Int64 = 900
    var allowGCEInference = true
    var boundZones: [String] = []
    var boundRegions: [String] = []
    var boundInstanceGroups: [String] = []
    var boundLabels: [String: String] = [:]
    var roleID = ""
    var token = TokenSettings()

    /// Vault's ceiling on `max_jwt_exp`: an hour.
    static let maximumJWTExp: Int64 = 3600

    var json: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "role_type": .string(type.rawValue),
            "bound_service_accounts": JSONValue(boundServiceAccounts),
            "bound_projects": JSONValue(boundProjects),
            "max_jwt_exp": .int(maxJWTExp),
            "allow_gce_inference": .bool(allowGCEInference),
            "add_group_aliases": false,
            "role_id": .string(roleID),
        ]
        if type == .gce {
            object["bound_zones"] = JSONValue(boundZones)
            object["bound_regions"] = JSONValue(boundRegions)
            object["bound_instance_groups"] = JSONValue(boundInstanceGroups)
            object["bound_labels"] = .object(boundLabels.mapValues(JSONValue.string))
        }
        object.merge(token.json) { _, new in new }
        return object
    }

    /// Applies a role write (fields change only when sent; the type only at creation).
    mutating func update(from fields: RequestFields, isNew: Bool) throws -> [String] {
        try token.update(from: fields)
        if let value = try fields.string("type") ?? fields.string("role_type"), !value.isEmpty {
            guard let kind = Kind(rawValue: value) else {
                throw MountError.badRequest("role type \"\(value)\" is invalid; one of iam, gce")
            }
            guard isNew || kind == type else { throw MountError.badRequest("role type cannot be changed for an existing role") }
            type = kind
        } else if isNew {
            throw MountError.badRequest("role type must be provided")
        }
        if let value = try fields.stringList("bound_service_accounts") { boundServiceAccounts = value }
        if let value = try fields.stringList("bound_projects") { boundProjects = value }
        if let value = try fields.duration("max_jwt_exp") {
            guard value > 0, value <= Self.maximumJWTExp else {
                throw MountError.badRequest("max_jwt_exp must be between 1s and \(Self.maximumJWTExp)s")
            }
            maxJWTExp = value
        }
        if let value = try fields.bool("allow_gce_inference") { allowGCEInference = value }
        if let value = try fields.stringList("bound_zones") { boundZones = value }
        if let value = try fields.stringList("bound_regions") { boundRegions = value }
        if let value = try fields.stringList("bound_instance_groups") { boundInstanceGroups = value }
        if let labels = try Self.labels(fields) { boundLabels = labels }
        if type == .iam {
            guard !boundServiceAccounts.isEmpty else {
                throw MountError.badRequest("IAM role type must have at least one service account")
            }
            if boundServiceAccounts.count > 1, boundServiceAccounts.contains("*") {
                throw MountError.badRequest("cannot provide IAM service account wildcard '*' as well as specific service accounts")
            }
            if !boundZones.isEmpty || !boundRegions.isEmpty || !boundInstanceGroups.isEmpty || !boundLabels.isEmpty {
                throw MountError.badRequest("bound_zones, bound_regions, bound_instance_groups and bound_labels are for gce roles")
            }
        }
        if !boundInstanceGroups.isEmpty, boundZones.isEmpty, boundRegions.isEmpty {
            throw MountError.badRequest("bound_instance_groups requires bound_zones or bound_regions to find the groups in")
        }
        if roleID.isEmpty { roleID = UUID().uuidString.lowercased() }
        return []
    }

    /// `bound_labels` as a list of `key:value` or a map, as Vault takes it.
    private static func labels(_ fields: RequestFields) throws -> [String: String]? {
        if case .object(let members)? = fields.raw["bound_labels"] {
            return try members.mapValues { value in
                guard case .string(let text) = value else { throw MountError.badRequest("bound_labels values must be strings") }
                return text
            }
        }
        guard let list = try fields.stringList("bound_labels") else { return nil }
        var labels: [String: String] = [:]
        for item in list {
            let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw MountError.badRequest("invalid label \"\(item)\": labels are written key:value")
            }
            labels[parts[0]] = parts[1]
        }
        return labels
    }
}
