import CofferMountKit
import Synchronization

/// A mount ready to take requests: its table entry, its handler and its storage view.
///
/// A class: every request passes its mount through several stages, and copying
/// a reference is one retain where copying the entry's strings was a score.
package final class RoutedMount: Sendable {
    package let entry: MountEntry
    package let handler: MountHandler
    package let storage: StorageView

    init(entry: MountEntry, handler: MountHandler, storage: StorageView) {
        self.entry = entry
        self.handler = handler
        self.storage = storage
    }
}

/// A plugin mount sees only its view; a core backend (sys/, auth/token/) sees the
/// whole request and the caller's token.
package enum MountHandler: Sendable {
    case plugin(any Mount)
    case core(any CoreBackend)
}

/// Finds the mount for a logical path by longest prefix, compared as UTF-8 bytes
/// (Swift's `hasPrefix` equates canonically equivalent text: a request for
/// "cafe\u{301}/x" must not reach the mount "café/").
///
/// Read on every request, written only when mounts change: the table is a snapshot
/// behind a lock, copied out and never held across an await.
package final class MountRouter: Sendable {
    private let snapshot = Mutex<[RoutedMount]>([])

    package init() {}

    /// Replaces the whole table (after unseal, or after a mount change).
    func replace(_ mounts: [RoutedMount]) {
        let ordered = mounts.sorted { $0.entry.routePath.utf8.count > $1.entry.routePath.utf8.count }
        snapshot.withLock { $0 = ordered }
    }

    package var all: [RoutedMount] { snapshot.withLock { $0 } }

    /// The mount whose path is the longest prefix of `path`, and the rest of the path.
    package func route(_ path: String) -> (mount: RoutedMount, relativePath: String)? {
        let mounts = snapshot.withLock { $0 }
        // `secret` alone addresses the mount `secret/` too.
        let probe = path.withTrailingSlash
        for mount in mounts where probe.hasBytePrefix(mount.entry.routePath) {
            // The mount path ends in `/`, so the cut falls between whole UTF-8 sequences.
            let relative = String(decoding: path.utf8.dropFirst(mount.entry.routePath.utf8.count), as: UTF8.self)
            return (mount, relative)
        }
        return nil
    }

    /// The mount with exactly this table and path, if any.
    package func mount(table: MountEntry.Table, path: String) -> RoutedMount? {
        snapshot.withLock { mounts in mounts.first { $0.entry.table == table && $0.entry.path.bytesEqual(path) } }
    }
}
