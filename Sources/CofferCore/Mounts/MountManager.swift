import CofferMountKit
import Foundation
import Synchronization

/// Owns the two mount tables: enables, disables and tunes mounts, persisting each
/// change through the barrier before the router sees it.
package actor MountManager {
    private let store: MountTableStore
    private let barrier: SecurityBarrier
    package nonisolated let router: MountRouter
    /// The mount types that can be enabled; fixed when the core is built.
    private nonisolated let factories: [String: MountFactory]
    /// The core's clock, handed to every mount built.
    private nonisolated let clock: @Sendable () -> Date
    private let coreBackends: Mutex<[String: any CoreBackend]> = Mutex([:])
    private var tables: [MountEntry.Table: [MountEntry]] = [:]

    init(barrier: SecurityBarrier, router: MountRouter, factories: [String: MountFactory], clock: @escaping @Sendable () -> Date) {
        self.clock = clock
        self.barrier = barrier
        self.store = MountTableStore(barrier: barrier)
        self.router = router
        self.factories = factories
    }

    /// Adds a built-in backend of the core (`system`, `token`).
    nonisolated func register(type: String, backend: any CoreBackend) {
        coreBackends.withLock { $0[type] = backend }
    }

    nonisolated func knows(type: String) -> Bool {
        factories[type] != nil
    }

    /// Loads both tables after unseal, creating the defaults on first use.
    func load() async throws {
        for table in [MountEntry.Table.secrets, .auth] {
            if let entries = try await store.load(table) {
                tables[table] = entries
            } else {
                let entries = MountTableStore.defaults(table)
                try await store.save(entries, table)
                tables[table] = entries
            }
        }
        try rebuildRouter()
    }

    /// Forgets everything on seal: no handler outlives the keys.
    func unload() {
        tables = [:]
        router.replace([])
    }

    package func entries(_ table: MountEntry.Table) -> [MountEntry] {
        tables[table] ?? []
    }

    /// Adds a mount. The path must not overlap an existing one in either direction.
    package func enable(_ entry: MountEntry) async throws {
        var entries = tables[entry.table] ?? []
        let routePath = entry.routePath
        for existing in allEntries() {
            let other = existing.routePath
            // Bytes, not Swift's canonical-equivalence `hasPrefix` (issue 12, item 7).
            if routePath.hasBytePrefix(other) || other.hasBytePrefix(routePath) {
                throw CoreError.badRequest("path is already in use at \(existing.path)")
            }
        }
        guard knows(type: entry.type) else {
            throw CoreError.badRequest("plugin not found in the catalog: \(entry.type)")
        }
        entries.append(entry)
        try await store.save(entries, entry.table)
        tables[entry.table] = entries
        try rebuildRouter()
    }

    /// Removes a mount and all its data. Removing nothing is not an error (Vault answers 204).
    package func disable(table: MountEntry.Table, path: String) async throws {
        guard var entries = tables[table], let index = entries.firstIndex(where: { $0.path.bytesEqual(path) }) else { return }
        let entry = entries[index]
        if entry.isBuiltIn {
            throw CoreError.badRequest("cannot unmount \"\(path)\"")
        }
        entries.remove(at: index)
        try await store.save(entries, table)
        tables[table] = entries
        try rebuildRouter()
        // The table no longer points at the data, so a failure here leaves only garbage.
        try await barrier.delete(prefix: entry.viewPath)
    }

    /// Moves a mount to `path` in its own table (`sys/remount`). Its data stays
    /// where it is, under the uuid; only the table row changes, so the move is one
    /// write. The new path must not overlap any mount, the moved one included.
    package func move(_ entry: MountEntry, to path: String) async throws {
        guard var entries = tables[entry.table], let index = entries.firstIndex(where: { $0.uuid == entry.uuid }) else {
            throw CoreError.badRequest("no matching mount at \"\(entry.routePath)\"")
        }
        if let other = conflict(with: entry.table.routePrefix + path) {
            throw CoreError.badRequest("path already in use at \"\(other)\"")
        }
        entries[index].path = path
        try await store.save(entries, entry.table)
        tables[entry.table] = entries
        try rebuildRouter()
    }

    /// The route path of a mount that `routePath` would overlap, in either direction.
    package func conflict(with routePath: String) -> String? {
        allEntries().lazy.map(\.routePath).first { routePath.hasBytePrefix($0) || $0.hasBytePrefix(routePath) }
    }

    /// Replaces a mount's entry (tune) and persists it.
    package func update(_ entry: MountEntry) async throws {
        guard var entries = tables[entry.table], let index = entries.firstIndex(where: { $0.path.bytesEqual(entry.path) }) else {
            throw CoreError.badRequest("no mount at \(entry.path)")
        }
        entries[index] = entry
        try await store.save(entries, entry.table)
        tables[entry.table] = entries
        // Handlers are built from the entry (a KV version change needs a new one).
        try rebuildRouter()
    }

    private func allEntries() -> [MountEntry] {
        (tables[.secrets] ?? []) + (tables[.auth] ?? [])
    }

    private func rebuildRouter() throws {
        let coreBackends = self.coreBackends.withLock { $0 }
        // A mount whose entry did not change keeps its handler, and with it any
        // state it holds (a JWKS cache, per-key locks).
        let previous = Dictionary(router.all.map { ($0.entry.uuid, $0) }, uniquingKeysWith: { first, _ in first })
        var routed: [RoutedMount] = []
        for entry in allEntries() {
            let view = StorageView(storage: barrier, prefix: entry.viewPath)
            if let kept = previous[entry.uuid], kept.entry == entry {
                routed.append(kept)
            } else if let backend = coreBackends[entry.type] {
                routed.append(RoutedMount(entry: entry, handler: .core(backend), storage: view))
            } else if let factory = factories[entry.type] {
                let context = MountContext(
                    path: entry.routePath, type: entry.type, options: entry.options ?? [:], storage: view,
                    isAuthMethod: entry.table == .auth, clock: clock)
                routed.append(RoutedMount(entry: entry, handler: .plugin(try factory(context)), storage: view))
            } else {
                routed.append(RoutedMount(entry: entry, handler: .core(UnsupportedBackend()), storage: view))
            }
        }
        router.replace(routed)
    }
}
