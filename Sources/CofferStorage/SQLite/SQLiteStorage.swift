import Foundation
import GRDB

/// Storage in one SQLite file (WAL), the default backend.
///
/// `synchronous = FULL` makes each commit durable before the call returns, so a
/// crash or `kill -9` loses no acknowledged write.
package final class SQLiteStorage: PhysicalStorage {
    private let pool: DatabasePool
    /// Concurrent `apply` calls share a transaction and its fsync (`GroupCommit`).
    private let writes: GroupCommit<[PhysicalWrite]>

    package init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try Self.prepareFiles(path)
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            self.pool = pool
            writes = GroupCommit { batches in try await Self.write(batches, to: pool) }
            try pool.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS entries (
                            key TEXT PRIMARY KEY NOT NULL,
                            value BLOB NOT NULL
                        ) WITHOUT ROWID
                        """)
            }
        } catch {
            throw StorageError(.unavailable, "cannot open SQLite storage at \(path): \(Self.reason(error))")
        }
    }

    package var typeName: String { "sqlite" }

    package func get(_ key: String) async throws -> Data? {
        try await run {
            try await self.pool.read { db in
                try Data.fetchOne(db, sql: "SELECT value FROM entries WHERE key = ?", arguments: [key])
            }
        }
    }

    package func put(_ key: String, _ value: Data) async throws {
        try await apply([.put(key, value)])
    }

    package func delete(_ key: String) async throws {
        try await apply([.delete(key)])
    }

    package func list(prefix: String) async throws -> [String] {
        let keys = try await run {
            try await self.pool.read { db in
                try String.fetchAll(
                    db, sql: "SELECT key FROM entries WHERE substr(key, 1, ?) = ?",
                    arguments: [prefix.unicodeScalars.count, prefix])
            }
        }
        return directChildren(of: keys, under: prefix)
    }

    package func delete(prefix: String) async throws {
        try await run {
            try await self.pool.write { db in
                try db.execute(
                    sql: "DELETE FROM entries WHERE substr(key, 1, ?) = ?",
                    arguments: [prefix.unicodeScalars.count, prefix])
            }
        }
    }

    package func apply(_ writes: [PhysicalWrite]) async throws {
        try await run { try await self.writes.apply(writes) }
    }

    /// One transaction for every batch of a group, in their order.
    private static func write(_ batches: [[PhysicalWrite]], to pool: DatabasePool) async throws {
        try await pool.write { db in
            for write in batches.joined() {
                switch write {
                case .put(let key, let value):
                    try db.execute(
                        sql: "INSERT INTO entries (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        arguments: [key, value])
                case .delete(let key):
                    try db.execute(sql: "DELETE FROM entries WHERE key = ?", arguments: [key])
                }
            }
        }
    }

    /// Runs a database call, turning GRDB errors into ours (which never carry values).
    private func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw StorageError(.unavailable, "SQLite storage: \(Self.reason(error))")
        }
    }

    /// The SQLite result code and message only: GRDB's description can quote SQL arguments.
    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "\(error.resultCode): \(error.message ?? "")"
        }
        return String(describing: type(of: error))
    }
}
