import CofferEncoding
import CofferMountKit
import Foundation

extension DatabaseMount {
    /// What `{{expiration}}` looks like (Go's `2006-01-02 15:04:05-0700`), in UTC.
    static func expirationText(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d+0000", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0)
    }

    /// The database-side expiry runs a little past the lease, so the user never
    /// stops working before Coffer revokes it (OpenBao: 5 s).
    static let expirySlack: TimeInterval = 5

    /// `creds/<role>`: a new user made by the role's statements, in one
    /// transaction, returned with a lease that drops it.
    func credentials(_ request: MountRequest, _ name: String) async throws -> MountResponse {
        guard let role = try await loadRole(name) else { throw MountError.badRequest("unknown role: \(name)") }
        guard let config = try await loadConfig(role.dbName) else {
            throw Self.failed("failed to find entry for connection with name: \"\(role.dbName)\"")
        }
        guard config.allows(name) else { throw Self.failed("\"\(name)\" is not an allowed role") }
        let now = clock()
        let ttl = request.leaseLimits.ttl(backendTTL: role.defaultTTL, backendMaxTTL: role.maxTTL, now: now)
        guard !role.creationStatements.isEmpty else { throw Self.failed("empty creation statements") }
        let password = PasswordGenerator.generate()
        let expiration = Self.expirationText(now.addingTimeInterval(TimeInterval(ttl) + Self.expirySlack))
        let username: String
        do {
            username = try await withDatabase(role.dbName, config: config) { database in
                let username = database.settings.usernameTemplate.generate(displayName: request.displayName, roleName: name, now: now)
                let sentPassword = database.settings.sendsSCRAMVerifier ? try SCRAMVerifier.verifier(for: password) : password
                let queries = SQLStatements.queries(
                    role.creationStatements,
                    ["name": username, "username": username, "password": sentPassword, "expiration": expiration])
                try await database.transaction(queries, hiding: [password, sentPassword])
                return username
            }
        } catch let failure as DatabaseFailure {
            throw Self.failed("failed to execute query: \(failure.reason)")
        }

        var response = MountResponse(data: ["username": .string(username), "password": .string(password)])
        response.lease = MountLease(
            ttl: ttl, maxTTL: role.maxTTL, renewable: true,
            internalData: [
                "secret_type": "creds", "username": .string(username), "role": .string(name), "db_name": .string(role.dbName),
                "revocation_statements": JSONValue(role.revocationStatements),
            ])
        return response
    }

    /// Drops a lease's user: by its role's revocation statements when the role
    /// still exists, else by those the lease kept; the default when there are none.
    package func revoke(_ lease: MountLease, storage: StorageView) async throws {
        guard case .string(let username)? = lease.internalData["username"], case .string(let roleName)? = lease.internalData["role"]
        else { throw Self.failed("secret is missing username internal data") }
        var dbName = lease.internalData["db_name"]?.stringValue ?? ""
        var statements = (lease.internalData["revocation_statements"]?.arrayValue ?? []).compactMap(\.stringValue)
        if let role = try await loadRole(roleName) {
            dbName = role.dbName
            statements = role.revocationStatements
        }
        do {
            try await withDatabase(dbName) { database in
                if statements.isEmpty {
                    try await database.dropUser(username)
                } else {
                    try await database.transaction(SQLStatements.queries(statements, ["name": username, "username": username]))
                }
            }
        } catch let failure as DatabaseFailure {
            throw Self.failed("failed to revoke database user: \(failure.reason)")
        }
    }

    /// Moves a lease's user's expiry to `ttl` from now (plus the slack), by the
    /// role's renew statements or `ALTER ROLE ... VALID UNTIL`.
    package func renew(_ lease: MountLease, ttl: Int64, storage: StorageView) async throws {
        guard case .string(let username)? = lease.internalData["username"], case .string(let roleName)? = lease.internalData["role"]
        else { throw Self.failed("secret is missing username internal data") }
        guard let role = try await loadRole(roleName) else {
            throw Self.failed("error during renew: could not find role with name \"\(roleName)\"")
        }
        let expiration = Self.expirationText(clock().addingTimeInterval(TimeInterval(ttl) + Self.expirySlack))
        // The default quotes the name itself: Coffer's own SQL never relies on a name being inert.
        let queries =
            role.renewStatements.isEmpty
            ? ["ALTER ROLE \(SQLStatements.quoted(username)) VALID UNTIL \(SQLStatements.literal(expiration))"]
            : SQLStatements.queries(role.renewStatements, ["name": username, "username": username, "expiration": expiration])
        do {
            try await withDatabase(role.dbName) { database in try await database.transaction(queries) }
        } catch let failure as DatabaseFailure {
            throw Self.failed("failed to renew database user: \(failure.reason)")
        }
    }
}
