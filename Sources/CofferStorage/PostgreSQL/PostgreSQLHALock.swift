import Foundation
import Logging
import PostgresNIO

/// The HA lock of several Coffer nodes on one PostgreSQL: one row in `ha_table`,
/// held by one node until `valid_until`, timed by the database's clock (`NOW()`),
/// never the nodes' own, so a node whose clock is wrong or which was paused
/// cannot believe it still holds a lock the database has let go.
///
/// - Acquire succeeds only on a missing or expired row, and only once the old
///   holder's writes in flight have committed or rolled back.
/// - Renew touches only this node's own, still valid row: it never steals.
/// - Every write of the active node is fenced by the same row (`fence`).
///
/// Row locks, chosen so that writes never hold a renewal up: a write keeps the
/// row `FOR KEY SHARE`, which a renewal's `UPDATE` of `valid_until` (a non-key
/// column) does not wait for; a takeover locks the expired row `FOR UPDATE`,
/// which does. With `FOR SHARE` (the first design) a 3-node cluster under a
/// sustained write load lost its active node: the standbys' acquire attempts
/// queued on the share-locked row, and the active's renewal queued behind them
/// until the lock lapsed.
package final class PostgreSQLHALock: HALock {
    package static let key = "core/lock"

    private let pool: PostgreSQLPool
    private var client: PostgresClient { pool.client }
    let table: String
    package let identity: String
    /// How long an acquired or renewed lock holds without a renewal.
    package let ttl: Duration
    private let logger: Logger

    init(pool: PostgreSQLPool, table: String, identity: String, ttl: Duration, logger: Logger) {
        self.pool = pool
        self.table = table
        self.identity = identity
        self.ttl = ttl
        self.logger = logger
    }

    private var ttlMilliseconds: Int64 {
        let (seconds, attoseconds) = ttl.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Takes the lock when nobody holds a valid one; returns whether this node holds it now.
    ///
    /// A valid row is only read, never locked, so standbys polling every half
    /// second do not queue on it. An expired row is locked `FOR UPDATE` first:
    /// that waits for the old holder's fenced writes still in flight, so none of
    /// them commits after this node has taken over.
    package func acquire(advertising value: String) async throws -> Bool {
        try await run {
            try await client.withTransaction(logger: logger) { connection in
                let state = try await connection.query(
                    "SELECT valid_until < NOW() FROM \(unescaped: table) WHERE ha_key = \(Self.key)", logger: logger)
                var expired: Bool?
                for try await lapsed in state.decode(Bool.self) { expired = lapsed }
                if expired == false { return false }
                if expired == true {
                    try await connection.query(
                        "SELECT 1 FROM \(unescaped: table) WHERE ha_key = \(Self.key) AND valid_until < NOW() FOR UPDATE",
                        logger: logger)
                }
                let rows = try await connection.query(
                    """
                    INSERT INTO \(unescaped: table) AS lock (ha_key, ha_identity, ha_value, valid_until)
                    VALUES (\(Self.key), \(identity), \(value), NOW() + \(ttlMilliseconds) * INTERVAL '1 millisecond')
                    ON CONFLICT (ha_key) DO UPDATE
                    SET ha_identity = EXCLUDED.ha_identity, ha_value = EXCLUDED.ha_value, valid_until = EXCLUDED.valid_until
                    WHERE lock.valid_until < NOW()
                    RETURNING ha_identity
                    """, logger: logger)
                for try await holder in rows.decode(String.self) { return holder == identity }
                return false
            }
        }
    }

    /// Extends this node's own valid lock; false (or an error) means it is lost.
    package func renew() async throws -> Bool {
        try await run {
            let rows = try await client.query(
                """
                UPDATE \(unescaped: table) SET valid_until = NOW() + \(ttlMilliseconds) * INTERVAL '1 millisecond'
                WHERE ha_key = \(Self.key) AND ha_identity = \(identity) AND valid_until > NOW()
                RETURNING ha_identity
                """, logger: logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
    }

    /// Gives the lock up at once (a clean stop or `sys/step-down`).
    package func release() async throws {
        try await run {
            try await client.query(
                "DELETE FROM \(unescaped: table) WHERE ha_key = \(Self.key) AND ha_identity = \(identity)", logger: logger
            )
        }
    }

    /// Who holds the lock, if anyone has held it.
    package func holder() async throws -> HALockHolder? {
        try await run {
            let rows = try await client.query(
                "SELECT ha_identity, coalesce(ha_value, ''), valid_until > NOW() FROM \(unescaped: table) WHERE ha_key = \(Self.key)",
                logger: logger
            )
            for try await (identity, value, valid) in rows.decode((String, String, Bool).self) {
                return HALockHolder(identity: identity, value: value, isValid: valid)
            }
            return nil
        }
    }

    /// Run first in every transaction that writes for the active node: it finds
    /// this node's valid row and keeps it (`FOR KEY SHARE`) until the commit, so
    /// a takeover waits for the write, and a write after a takeover finds no row.
    func fence(_ connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            """
            SELECT 1 FROM \(unescaped: table)
            WHERE ha_key = \(Self.key) AND ha_identity = \(identity) AND valid_until > NOW() FOR KEY SHARE
            """, logger: logger)
        for try await _ in rows.decode(Int32.self) { return }
        throw StorageError(.fenced, "this node no longer holds the HA lock: write refused")
    }

    func createTable() async throws {
        try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    CREATE TABLE IF NOT EXISTS \(table) (
                        ha_key TEXT COLLATE "C" NOT NULL PRIMARY KEY,
                        ha_identity TEXT COLLATE "C" NOT NULL,
                        ha_value TEXT COLLATE "C",
                        valid_until TIMESTAMPTZ NOT NULL
                    )
                    """), logger: logger)
    }

    /// Closes the lock's own connections.
    func close() { pool.close() }

    private func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(.unavailable, "PostgreSQL HA lock: \(PostgreSQLStorage.reason(error))")
        }
    }
}
