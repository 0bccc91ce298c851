import Foundation
import Logging
import PostgresNIO

/// One configured PostgreSQL connection: a pool and the statements the engine
/// runs on it (create, renew, revoke, rotate). Statements of one call run in one
/// transaction, so a failed creation leaves no user behind.
final class PostgreSQLDatabase: Sendable {
    let settings: PostgreSQLConnectionSettings
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger = Logger(label: "coffer.database.postgresql")

    init(_ settings: PostgreSQLConnectionSettings) throws {
        self.settings = settings
        let client = PostgresClient(configuration: try settings.clientConfiguration(), backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// Stops the pool: its connections close.
    func close() { runner.cancel() }

    /// Connects once, outside the pool, so a config write fails with the
    /// database's own reason (a wrong password, an unknown database).
    static func verify(_ settings: PostgreSQLConnectionSettings) async throws {
        let configuration = try settings.connectionConfiguration()
        let logger = Logger(label: "coffer.database.verify")
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            defer { Task { try? await connection.close() } }
            try await connection.query("SELECT 1", logger: logger)
        } catch {
            throw DatabaseFailure(error, hiding: [settings.rootPassword, settings.password ?? ""])
        }
    }

    /// Runs `queries` in one transaction; nothing stays if one fails.
    func transaction(_ queries: [String], hiding secrets: [String] = []) async throws {
        let logger = logger
        try await bounded(hiding: secrets) { client in
            try await client.withTransaction(logger: logger) { connection in
                for query in queries { try await connection.query(PostgresQuery(unsafeSQL: query), logger: logger) }
            }
        }
    }

    /// OpenBao's default revocation: revoke what the user holds in each schema it
    /// has grants in, then in `public` and the database, then drop the role. A
    /// revoke that fails keeps the role (it could not be dropped anyway) and
    /// fails the revocation, so it is tried again.
    func dropUser(_ username: String) async throws {
        let logger = logger
        try await bounded { client in
            let exists = try await client.query("SELECT exists (SELECT 1 FROM pg_roles WHERE rolname = \(username))", logger: logger)
            var found = false
            for try await value in exists.decode(Bool.self) { found = value }
            guard found else { return }
            let rows = try await client.query(
                """
                SELECT DISTINCT table_schema FROM information_schema.role_column_grants WHERE grantee = \(username)
                UNION SELECT DISTINCT table_schema FROM information_schema.role_table_grants WHERE grantee = \(username)
                """, logger: logger)
            var schemas: [String] = []
            for try await schema in rows.decode(String.self) { schemas.append(schema) }
            var database = ""
            for try await name in try await client.query("SELECT current_database()", logger: logger).decode(String.self) {
                database = name
            }
            let user = SQLStatements.quoted(username)
            var statements: [String] = []
            for schema in schemas where schema != "public" {
                statements.append("REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA \(SQLStatements.quoted(schema)) FROM \(user)")
                statements.append("REVOKE USAGE ON SCHEMA \(SQLStatements.quoted(schema)) FROM \(user)")
            }
            statements += [
                "REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM \(user)",
                "REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public FROM \(user)",
                "REVOKE USAGE ON SCHEMA public FROM \(user)",
            ]
            if !database.isEmpty { statements.append("REVOKE CONNECT ON DATABASE \(SQLStatements.quoted(database)) FROM \(user)") }
            // Not one transaction: as much access as possible goes now, even if a step fails.
            var failure: (any Error)?
            for statement in statements {
                do {
                    try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            try await client.query(PostgresQuery(unsafeSQL: "DROP ROLE IF EXISTS \(user)"), logger: logger)
        }
    }

    /// Runs `body` on the pool, failing after the connect timeout: a pool whose
    /// database is down would otherwise hold the request for a minute.
    private func bounded(hiding secrets: [String] = [], _ body: @escaping @Sendable (PostgresClient) async throws -> Void) async throws {
        let client = client
        let seconds = settings.connectTimeout
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await body(client) }
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds))
                    throw DatabaseFailure(reason: "timed out after \(seconds)s waiting for the database")
                }
                defer { group.cancelAll() }
                _ = try await group.next()
            }
        } catch let failure as DatabaseFailure {
            throw failure
        } catch {
            throw DatabaseFailure(error, hiding: secrets + [settings.rootPassword, settings.password ?? ""])
        }
    }
}
