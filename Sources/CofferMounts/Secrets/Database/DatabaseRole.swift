import CofferEncoding
import CofferMountKit

/// `database/roles/<name>`: what a credential of the role is made with
/// (spec/vault-api.md §12).
struct DatabaseRole: Codable, Sendable, Equatable {
    var dbName = ""
    var creationStatements: [String] = []
    var revocationStatements: [String] = []
    var rollbackStatements: [String] = []
    var renewStatements: [String] = []
    var defaultTTL: Int64 = 0
    var maxTTL: Int64 = 0
    var credentialType = "password"

    enum CodingKeys: String, CodingKey {
        case dbName = "db_name"
        case creationStatements = "creation_statements"
        case revocationStatements = "revocation_statements"
        case rollbackStatements = "rollback_statements"
        case renewStatements = "renew_statements"
        case defaultTTL = "default_ttl"
        case maxTTL = "max_ttl"
        case credentialType = "credential_type"
    }

    var json: [String: JSONValue] {
        [
            "db_name": .string(dbName),
            "creation_statements": JSONValue(creationStatements),
            "revocation_statements": JSONValue(revocationStatements),
            "rollback_statements": JSONValue(rollbackStatements),
            "renew_statements": JSONValue(renewStatements),
            "default_ttl": .int(defaultTTL),
            "max_ttl": .int(maxTTL),
            "credential_type": .string(credentialType),
        ]
    }

    /// Applies a role write: on create every field is set (absent ones to their
    /// zero), on update only the fields sent, as OpenBao does.
    mutating func update(from fields: RequestFields, creating: Bool) throws {
        func list(_ name: String) throws -> [String]? {
            if let value = try fields.stringList(name) { return value }
            return creating ? [] : nil
        }
        if let value = try fields.string("db_name") { dbName = value }
        guard !dbName.isEmpty else { throw MountError.badRequest("database name is required") }
        if let value = try fields.string("credential_type") {
            guard value == "password" else { throw MountError.badRequest("invalid credential_type \"\(value)\"") }
            credentialType = value
        }
        if let value = try list("creation_statements") { creationStatements = value }
        if let value = try list("revocation_statements") { revocationStatements = value.filter { !$0.isEmpty } }
        if let value = try list("rollback_statements") { rollbackStatements = value }
        if let value = try list("renew_statements") { renewStatements = value }
        if let value = try fields.duration("default_ttl") { defaultTTL = max(0, value) } else if creating { defaultTTL = 0 }
        if let value = try fields.duration("max_ttl") { maxTTL = max(0, value) } else if creating { maxTTL = 0 }
    }
}
