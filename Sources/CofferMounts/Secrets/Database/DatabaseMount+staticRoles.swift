import CofferEncoding
import CofferMountKit
import Foundation

extension DatabaseMount {
    func loadStaticRole(_ name: String) async throws -> StaticRole? {
        try await storage.getJSON(StaticRole.self, "static-role/" + name)
    }

    func readStaticRole(_ name: String) async throws -> MountResponse {
        guard let role = try await loadStaticRole(name) else { throw MountError.notFound }
        return MountResponse(data: role.json)
    }

    /// Creates a static role, setting a first password at once (the user must
    /// exist), or updates its period and statements.
    func writeStaticRole(_ request: MountRequest, _ name: String) async throws -> MountResponse {
        try await staticLocks.withLock(name) {
            if try await loadRole(name) != nil { throw MountError.badRequest("Role and Static Role names must be unique") }
            let existing = try await loadStaticRole(name)
            var role = existing ?? StaticRole()
            try role.update(from: request.fields, creating: existing == nil)
            guard existing == nil else {
                try await storage.putJSON("static-role/" + name, role)
                return .noContent
            }
            try await rotateStaticRole(name, role)
            return .noContent
        }
    }

    func deleteStaticRole(_ name: String) async throws -> MountResponse {
        try await storage.delete("static-role/" + name)
        return .noContent
    }

    /// `static-creds/<name>`: the current password and how long it has left.
    func staticCredentials(_ name: String) async throws -> MountResponse {
        guard let role = try await loadStaticRole(name) else { throw MountError.badRequest("unknown role: \(name)") }
        guard let config = try await loadConfig(role.dbName) else {
            throw Self.failed("failed to find entry for connection with name: \"\(role.dbName)\"")
        }
        guard config.allows(name) else { throw Self.failed("\"\(name)\" is not an allowed role") }
        return MountResponse(data: [
            "username": .string(role.username), "password": .string(role.password), "ttl": .int(role.ttl(now: clock())),
            "rotation_period": .int(role.rotationPeriod),
            "last_vault_rotation": role.lastVaultRotation.map { .string(Timestamps.rfc3339($0)) } ?? .null,
        ])
    }

    /// `rotate-role/<name>`: a new password now.
    func rotateRoleNow(_ name: String) async throws -> MountResponse {
        try await staticLocks.withLock(name) {
            guard let role = try await loadStaticRole(name) else { throw MountError.badRequest("no static role found for role name") }
            do {
                try await rotateStaticRole(name, role)
            } catch let error as MountError {
                throw Self.failed(
                    "unable to finish rotating credentials; retries will continue in the background but it is also safe to retry manually: \(error.description)"
                )
            }
            return .noContent
        }
    }

    /// Sets a new password for a static role's user: recorded as pending, set in
    /// the database, then stored as current. A crash in between leaves it
    /// pending, and the next tick rotates again.
    func rotateStaticRole(_ name: String, _ role: StaticRole) async throws {
        var role = role
        let password = PasswordGenerator.generate()
        role.pendingPassword = password
        try await storage.putJSON("static-role/" + name, role)
        let username = role.username
        do {
            try await withDatabase(role.dbName) { database in
                let sent = database.settings.sendsSCRAMVerifier ? try SCRAMVerifier.verifier(for: password) : password
                let queries =
                    role.rotationStatements.isEmpty
                    ? ["ALTER ROLE \(SQLStatements.quoted(username)) WITH PASSWORD \(SQLStatements.literal(sent))"]
                    : SQLStatements.queries(role.rotationStatements, ["name": username, "username": username, "password": sent])
                try await database.transaction(queries, hiding: [password, sent])
            }
        } catch let failure as DatabaseFailure {
            throw Self.failed("error setting credentials: \(failure.reason)")
        }
        role.password = password
        role.pendingPassword = nil
        role.lastVaultRotation = clock()
        try await storage.putJSON("static-role/" + name, role)
    }

    /// Rotates every static role that is due (or was interrupted); run by the
    /// mount's ticker every few seconds, so rotations survive a restart: their
    /// times are stored, and an overdue role is rotated at the first tick.
    func rotateDueStaticRoles() async {
        guard let names = try? await storage.list("static-role/") else { return }
        for name in names where !name.hasSuffix("/") {
            _ = try? await staticLocks.withLock(name) {
                guard let role = try await loadStaticRole(name), role.nextRotation() <= clock() else { return }
                try await rotateStaticRole(name, role)
            }
        }
    }
}
