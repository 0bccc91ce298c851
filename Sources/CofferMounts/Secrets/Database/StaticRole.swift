import CofferEncoding
import CofferMountKit
import Foundation

/// `database/static-roles/<name>`: an existing database user whose password
/// Coffer rotates every `rotationPeriod` (spec/database-engine.md).
struct StaticRole: Codable, Sendable, Equatable {
    /// OpenBao's queue tick: no period shorter than this.
    static let minimumPeriod: Int64 = 5

    var dbName = ""
    var username = ""
    var rotationPeriod: Int64 = 0
    var rotationStatements: [String] = []
    var credentialType = "password"
    var password = ""
    var lastVaultRotation: Date?
    /// Set before a new password goes to the database and cleared once it is
    /// stored: found set after a crash, the role is rotated again at once.
    var pendingPassword: String?

    enum CodingKeys: String, CodingKey {
        case dbName = "db_name"
        case username
        case rotationPeriod = "rotation_period"
        case rotationStatements = "rotation_statements"
        case credentialType = "credential_type"
        case password
        case lastVaultRotation = "last_vault_rotation"
        case pendingPassword = "pending_password"
    }

    /// A read of the role: never the password.
    var json: [String: JSONValue] {
        var data: [String: JSONValue] = [
            "db_name": .string(dbName), "username": .string(username), "rotation_period": .int(rotationPeriod),
            "rotation_statements": JSONValue(rotationStatements), "credential_type": .string(credentialType),
        ]
        if let lastVaultRotation { data["last_vault_rotation"] = .string(Timestamps.rfc3339(lastVaultRotation)) }
        return data
    }

    /// When the next rotation is due: now if a rotation was interrupted.
    func nextRotation() -> Date {
        guard pendingPassword == nil, let lastVaultRotation else { return .distantPast }
        return lastVaultRotation.addingTimeInterval(TimeInterval(rotationPeriod))
    }

    /// Seconds the current password has left.
    func ttl(now: Date) -> Int64 {
        max(0, Int64(saturating: nextRotation().timeIntervalSince(now).rounded(.down)))
    }

    /// Applies a static role write, with OpenBao's checks and messages.
    mutating func update(from fields: RequestFields, creating: Bool) throws {
        if let value = try fields.string("db_name") { dbName = value }
        guard !dbName.isEmpty else { throw MountError.badRequest("database name is a required field") }
        let newUsername = try fields.string("username") ?? ""
        if newUsername.isEmpty, creating {
            throw MountError.badRequest("username is a required field to create a static account")
        }
        if !username.isEmpty, username != newUsername { throw MountError.badRequest("cannot update static account username") }
        username = newUsername
        if let period = try fields.duration("rotation_period") {
            guard period >= Self.minimumPeriod else {
                throw MountError.badRequest("rotation_period must be \(Self.minimumPeriod) seconds or more")
            }
            rotationPeriod = period
        } else if creating {
            throw MountError.badRequest("rotation_period is required to create static accounts")
        }
        if let value = try fields.stringList("rotation_statements") { rotationStatements = value }
        if let value = try fields.string("credential_type") {
            guard value == "password" else { throw MountError.badRequest("invalid credential_type \"\(value)\"") }
            credentialType = value
        }
    }
}
