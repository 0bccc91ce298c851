import CofferEncoding
import CofferMountKit
import Foundation

/// The database secrets engine for PostgreSQL: a fresh database user per
/// credential, dropped when its lease ends (spec/vault-api.md §12,
/// spec/database-engine.md).
///
/// Layout in the mount's view: `config/<name>` (a connection, with its root
/// password), `role/<name>`, `static-role/<name>` (with its current password),
/// `rotate-root/<name>` (a root rotation in progress). Each credential's lease carries the user name, the
/// role, the connection and the revocation statements, so a user can be dropped
/// after its role is deleted.
package struct DatabaseMount: Mount {
    let storage: StorageView
    let connections: DatabaseConnections
    let staticLocks: KeyedLock
    let clock: @Sendable () -> Date
    let crashPoint = CrashPoint()
    /// Rotates static roles when due; nil in the copy the ticker itself runs on,
    /// so the ticker does not keep itself alive.
    private(set) var ticker: MountTicker?

    package init(storage: StorageView, clock: @escaping @Sendable () -> Date = Date.init, rotatesStaticRoles: Bool = true) {
        self.storage = storage
        self.clock = clock
        connections = DatabaseConnections()
        staticLocks = KeyedLock()
        guard rotatesStaticRoles else { return }
        let worker = self
        ticker = MountTicker(every: Int(StaticRole.minimumPeriod)) { await worker.rotateDueStaticRoles() }
    }

    package static let factory: MountFactory = { context in DatabaseMount(storage: context.storage, clock: context.clock) }

    package func handle(_ request: MountRequest) async throws -> MountResponse {
        try await Self.paths.handle(request, owner: self)
    }

    package func exists(_ request: MountRequest) async throws -> Bool? {
        try await Self.paths.exists(request, owner: self)
    }

    package func help(_ path: String) -> PathHelp? { Self.paths.help(path) }

    func loadConfig(_ name: String) async throws -> DatabaseConfig? {
        try await storage.getJSON(DatabaseConfig.self, "config/" + name)
    }

    func loadRole(_ name: String) async throws -> DatabaseRole? {
        try await storage.getJSON(DatabaseRole.self, "role/" + name)
    }

    /// Runs `body` on the open pool of connection `name` (from `config`, else its
    /// stored config). A failure that is not the database's own answer (it is
    /// down, unreachable, timed out) drops the pool, so the next call reconnects.
    func withDatabase<T: Sendable>(
        _ name: String, config: DatabaseConfig? = nil, _ body: (PostgreSQLDatabase) async throws -> T
    ) async throws -> T {
        var found = config
        if found == nil { found = try await loadConfig(name) }
        guard let found else { throw Self.failed("failed to find entry for connection with name: \"\(name)\"") }
        let database = try await connections.database(name) { try await recoverRootRotation(name, found) }
        do {
            return try await body(database)
        } catch let failure as DatabaseFailure where !failure.isFromServer {
            await connections.discard(name, database)
            throw failure
        }
    }

    /// A 500 as OpenBao words an error its handler returned (a one-item multierror).
    static func failed(_ message: String) -> MountError {
        MountError.internal("1 error occurred:\n\t* \(message)\n\n")
    }

    /// Names under a folder, a 404 when there are none (Vault's empty LIST).
    func list(_ folder: String) async throws -> MountResponse {
        let names = try await storage.list(folder).filter { !$0.hasSuffix("/") }
        guard !names.isEmpty else { throw MountError.notFound }
        return MountResponse(data: ["keys": JSONValue(names)])
    }
}
