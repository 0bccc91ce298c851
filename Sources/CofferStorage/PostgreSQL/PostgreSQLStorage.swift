import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// Storage in one PostgreSQL table, for several Coffer nodes on one database.
///
/// Rows follow OpenBao's layout (`PostgreSQLKeyLayout`): a LIST is two indexed
/// lookups, not a scan. Values are the barrier's ciphertext. Each call is one
/// statement or one transaction, committed before it returns.
package final class PostgreSQLStorage: PhysicalStorage {
    private let pool: PostgreSQLPool
    private var client: PostgresClient { pool.client }
    /// How to open more connections to the same database (the HA lock's own).
    private let configuration: PostgresClient.Configuration
    private let table: String
    private let logger: Logger
    /// In HA mode, the lock every write must still hold, checked by PostgreSQL in
    /// the write's own transaction.
    private let fence = Mutex<PostgreSQLHALock?>(nil)

    /// Connects, creates the table unless told not to, and checks it answers.
    package static func open(_ settings: PostgreSQLSettings, logger: Logger = quietLogger) async throws -> PostgreSQLStorage {
        guard let table = PostgreSQLIdentifier.quoted(settings.table) else {
            throw StorageError(.invalidKey, "storage \"postgresql\": table \"\(settings.table)\" is not a plain SQL name")
        }
        let configuration = try clientConfiguration(settings)
        let storage = PostgreSQLStorage(
            pool: PostgreSQLPool(PostgresClient(configuration: configuration, backgroundLogger: logger)),
            configuration: configuration, table: table, logger: logger
        )
        do {
            // The pool retries a refused connection for as long as a query waits:
            // at start, give up after the connect timeout with the reason.
            try await withDeadline(seconds: settings.connection.connectTimeout + 1) {
                if !settings.skipCreateTable {
                    try await storage.createTable(indexName: PostgreSQLIdentifier.derived(from: settings.table, suffix: "_parent_path_idx"))
                }
                try await storage.client.query("SELECT 1 FROM \(unescaped: table) LIMIT 1", logger: logger)
            }
        } catch {
            storage.close()
            throw StorageError(.unavailable, "cannot use PostgreSQL storage at \(settings.connection): \(Self.reason(error))")
        }
        return storage
    }

    /// The pool reports each failed connection; one line per failure is enough.
    package static var quietLogger: Logger {
        var logger = Logger(label: "coffer.storage.postgresql")
        logger.logLevel = .warning
        return logger
    }

    private init(pool: PostgreSQLPool, configuration: PostgresClient.Configuration, table: String, logger: Logger) {
        self.pool = pool
        self.configuration = configuration
        self.table = table
        self.logger = logger
    }

    /// Closes the pool's connections, and the HA lock's.
    package func close() {
        pool.close()
        fence.withLock { $0 }?.close()
    }

    package var typeName: String { "postgresql" }

    package func get(_ key: String) async throws -> Data? {
        let row = PostgreSQLKeyLayout(key)
        return try await run {
            let rows = try await client.query(
                "SELECT value FROM \(unescaped: table) WHERE path = \(row.path) AND key = \(row.key)", logger: logger
            )
            for try await value in rows.decode(Data.self) { return value }
            return nil
        }
    }

    package func put(_ key: String, _ value: Data) async throws {
        try await apply([.put(key, value)])
    }

    package func delete(_ key: String) async throws {
        try await apply([.delete(key)])
    }

    package func list(prefix: String) async throws -> [String] {
        // A prefix that is not a folder (`ap`) has no row layout to use: rare, so a scan.
        guard prefix.isEmpty || prefix.hasSuffix("/") else {
            let keys = try await run {
                let rows = try await client.query(
                    "SELECT substr(path, 2) || key FROM \(unescaped: table) WHERE substr(path, 2) || key LIKE \(PostgreSQLKeyLayout.likePrefix(prefix))",
                    logger: logger
                )
                var keys: [String] = []
                for try await key in rows.decode(String.self) { keys.append(key) }
                return keys
            }
            return directChildren(of: keys, under: prefix)
        }
        let folder = PostgreSQLKeyLayout.folderPath(prefix)
        let children = try await run {
            let rows = try await client.query(
                """
                SELECT key FROM \(unescaped: table) WHERE path = \(folder)
                UNION
                SELECT substring(substr(path, char_length(\(folder)) + 1) from '^[^/]*/') FROM \(unescaped: table)
                WHERE parent_path LIKE \(PostgreSQLKeyLayout.likePrefix(folder))
                """, logger: logger)
            // Bytes, not `String`: canonically equivalent names are different keys.
            var children = Set<[UInt8]>()
            for try await child in rows.decode(String?.self) {
                if let child, !child.isEmpty { children.insert(Array(child.utf8)) }
            }
            return children
        }
        return children.sorted { $0.lexicographicallyPrecedes($1) }.map { String(decoding: $0, as: UTF8.self) }
    }

    package func delete(prefix: String) async throws {
        try await write([
            "DELETE FROM \(unescaped: table) WHERE substr(path, 2) || key LIKE \(PostgreSQLKeyLayout.likePrefix(prefix))"
        ])
    }

    package func apply(_ writes: [PhysicalWrite]) async throws {
        guard !writes.isEmpty else { return }
        try await write(try writes.map(statement(for:)))
    }

    /// Runs write statements as one unit: a single statement alone, several in a
    /// transaction, and in HA mode always in a transaction that starts with the fence.
    private func write(_ statements: [PostgresQuery]) async throws {
        let lock = fence.withLock { $0 }
        try await run {
            if lock == nil, statements.count == 1 {
                try await client.query(statements[0], logger: logger)
                return
            }
            try await client.withTransaction(logger: logger) { connection in
                try await lock?.fence(connection)
                for statement in statements {
                    try await connection.query(statement, logger: logger)
                }
            }
        }
    }

    /// The HA lock of this node (`identity`), on `table` beside the data. From
    /// now on every write is fenced by it.
    ///
    /// The lock has its own two connections: under a sustained write load every
    /// connection of the storage's pool is busy, and a renewal queued behind the
    /// writes would let the lock expire while the node is healthy.
    package func haLock(table name: String, identity: String, ttl: Duration, createTable: Bool = true) async throws -> PostgreSQLHALock {
        guard let quoted = PostgreSQLIdentifier.quoted(name) else {
            throw StorageError(.invalidKey, "storage \"postgresql\": ha_table \"\(name)\" is not a plain SQL name")
        }
        var lockConfiguration = configuration
        lockConfiguration.options.maximumConnections = 2
        let lockPool = PostgreSQLPool(PostgresClient(configuration: lockConfiguration, backgroundLogger: logger))
        let lock = PostgreSQLHALock(pool: lockPool, table: quoted, identity: identity, ttl: ttl, logger: logger)
        if createTable {
            try await run {
                do {
                    try await lock.createTable()
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                    // Another node created it at the same moment.
                }
            }
        }
        fence.withLock { $0 = lock }
        return lock
    }

    private func statement(for write: PhysicalWrite) throws -> PostgresQuery {
        switch write {
        case .put(let key, let value):
            let row = PostgreSQLKeyLayout(key)
            return try """
            INSERT INTO \(unescaped: table) (parent_path, path, key, value)
            VALUES (\(row.parentPath), \(row.path), \(row.key), \(value))
            ON CONFLICT (path, key) DO UPDATE SET parent_path = EXCLUDED.parent_path, value = EXCLUDED.value
            """
        case .delete(let key):
            let row = PostgreSQLKeyLayout(key)
            return "DELETE FROM \(unescaped: table) WHERE path = \(row.path) AND key = \(row.key)"
        }
    }

    private func createTable(indexName: String) async throws {
        // Several nodes may start at once: a concurrent creation surfaces as a
        // unique violation in the catalog (23505), which means the table exists.
        for sql in [
            """
            CREATE TABLE IF NOT EXISTS \(table) (
                parent_path TEXT COLLATE "C" NOT NULL,
                path TEXT COLLATE "C" NOT NULL,
                key TEXT COLLATE "C" NOT NULL,
                value BYTEA,
                PRIMARY KEY (path, key)
            )
            """,
            "CREATE INDEX IF NOT EXISTS \(indexName) ON \(table) (parent_path)",
        ] {
            do {
                try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                continue
            }
        }
    }

    /// Runs `body`, or throws `unavailable` once `seconds` have passed.
    private static func withDeadline(seconds: Int, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw StorageError(.unavailable, "no answer within \(seconds) s")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Runs a database call, turning its errors into ours (which never carry values).
    private func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StorageError {
            throw error
        } catch let error as PostgresTransactionError {
            // A fenced write comes back wrapped by the transaction that rolled it back.
            if let refused = error.closureError as? StorageError { throw refused }
            throw StorageError(.unavailable, "PostgreSQL storage: \(Self.reason(error))")
        } catch {
            throw StorageError(.unavailable, "PostgreSQL storage: \(Self.reason(error))")
        }
    }

    /// The SQLSTATE and the server's message, or the client's error code: never a
    /// bound value (postgres-nio keeps those out of its descriptions too).
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                return "\(info[.sqlState] ?? "?"): \(info[.message] ?? "")"
            }
            return "\(error.code)"
        }
        if let error = error as? StorageError { return error.message }
        if let error = error as? PostgresTransactionError {
            return (error.beginError ?? error.closureError ?? error.commitError).map(reason) ?? "transaction failed"
        }
        return String(describing: type(of: error))
    }

    static func clientConfiguration(_ settings: PostgreSQLSettings) throws -> PostgresClient.Configuration {
        let url = settings.connection
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: try tls(url)
        )
        configuration.options.maximumConnections = max(1, settings.maxParallel)
        configuration.options.connectTimeout = .seconds(Int64(url.connectTimeout))
        // A statement that hangs (a lock, a dying server) fails after 10 s, as OpenBao's do.
        configuration.options.additionalStartupParameters = [("statement_timeout", "10000")]
        return configuration
    }

    private static func tls(_ url: PostgreSQLConnectionURL) throws -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch url.sslMode {
        case .disable:
            return .disable
        case .prefer, .require:
            // libpq: encryption without checking who answers.
            tls.certificateVerification = .none
            return url.sslMode == .prefer ? .prefer(tls) : .require(tls)
        case .verifyCA, .verifyFull:
            guard let file = url.sslRootCert else { throw StorageError(.invalidKey, "sslrootcert is required") }
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(file))
            } catch {
                throw StorageError(.invalidKey, "sslrootcert \(file): not a readable PEM file")
            }
            tls.certificateVerification = url.sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
            return .require(tls)
        }
    }
}
