import CofferEncoding
import CofferMountKit
import Foundation

extension DatabaseMount {
    static func rotationKey(_ name: String) -> String { "rotate-root/" + name }

    /// `rotate-root/<name>`: a new root password that only Coffer knows.
    ///
    /// Order: record (old, new) -> set it in the database -> store the config ->
    /// drop the record. After a crash the record is found when the connection
    /// is next opened, and `recoverRootRotation` finishes or abandons it.
    func rotateRoot(_ name: String) async throws -> MountResponse {
        guard var config = try await loadConfig(name) else {
            throw Self.failed("failed to find entry for connection with name: \"\(name)\"")
        }
        guard case .string(let username)? = config.connectionDetails["username"], !username.isEmpty else {
            throw Self.failed("unable to rotate root credentials: no username in configuration")
        }
        guard case .string(let oldPassword)? = config.connectionDetails["password"], !oldPassword.isEmpty else {
            throw Self.failed("unable to rotate root credentials: no password in configuration")
        }
        let newPassword = PasswordGenerator.generate()
        let record = RootRotationRecord(username: username, oldPassword: oldPassword, newPassword: newPassword)
        try await storage.putJSON(Self.rotationKey(name), record)
        crashPoint.reached("rotate-root-recorded")

        let statements = config.rootRotationStatements
        do {
            try await withDatabase(name, config: config) { database in
                let sent = database.settings.sendsSCRAMVerifier ? try SCRAMVerifier.verifier(for: newPassword) : newPassword
                // The default quotes the name itself (a root user may be called anything).
                let queries =
                    statements.isEmpty
                    ? ["ALTER ROLE \(SQLStatements.quoted(username)) WITH PASSWORD \(SQLStatements.literal(sent))"]
                    : SQLStatements.queries(statements, ["name": username, "username": username, "password": sent])
                try await database.transaction(queries, hiding: [newPassword, sent])
            }
        } catch let failure as DatabaseFailure {
            // Not set: the record goes, the old password stays.
            try await storage.delete(Self.rotationKey(name))
            throw Self.failed("failed to update user: \(failure.reason)")
        }
        crashPoint.reached("rotate-root-set")

        config.connectionDetails["password"] = .string(newPassword)
        try await storage.putJSON("config/" + name, config)
        try await storage.delete(Self.rotationKey(name))
        await connections.replace(name, with: try PostgreSQLDatabase(try PostgreSQLConnectionSettings(config.connectionDetails)))
        return .noContent
    }

    /// Finishes a rotation a crash interrupted, before a connection's pool opens:
    /// if the new password logs in, it goes into the config; if only the old one
    /// does, the rotation never happened. Either way the record goes. When
    /// neither logs in (the database is down) the record stays for next time.
    func recoverRootRotation(_ name: String, _ config: DatabaseConfig) async throws -> DatabaseConfig {
        guard let record = try await storage.getJSON(RootRotationRecord.self, Self.rotationKey(name)) else { return config }
        var rotated = config
        rotated.connectionDetails["password"] = .string(record.newPassword)
        if (try? await PostgreSQLDatabase.verify(try PostgreSQLConnectionSettings(rotated.connectionDetails))) != nil {
            try await storage.putJSON("config/" + name, rotated)
            try await storage.delete(Self.rotationKey(name))
            return rotated
        }
        if (try? await PostgreSQLDatabase.verify(try PostgreSQLConnectionSettings(config.connectionDetails))) != nil {
            try await storage.delete(Self.rotationKey(name))
        }
        return config
    }
}
