/// The open pool of each configured connection, made on first use and replaced
/// when its config is written; one per mount.
actor DatabaseConnections {
    private var open: [String: PostgreSQLDatabase] = [:]

    /// The pool for `name`, opened from the config `load` gives when there is
    /// none yet (`load` may finish an interrupted root rotation first).
    func database(_ name: String, _ load: @Sendable () async throws -> DatabaseConfig) async throws -> PostgreSQLDatabase {
        if let database = open[name] { return database }
        let config = try await load()
        // Another call may have opened it while this one loaded.
        if let database = open[name] { return database }
        let database = try PostgreSQLDatabase(try PostgreSQLConnectionSettings(config.connectionDetails))
        open[name] = database
        return database
    }

    /// Puts a new pool in place of the old, which is closed.
    func replace(_ name: String, with database: PostgreSQLDatabase?) {
        open[name]?.close()
        open[name] = database
    }

    /// Closes `database` if it is still the pool of `name`: after the database
    /// stopped answering, the next use opens a fresh pool rather than wait out
    /// the old one's reconnection backoff.
    func discard(_ name: String, _ database: PostgreSQLDatabase) {
        guard let current = open[name], current === database else { return }
        current.close()
        open[name] = nil
    }
}
