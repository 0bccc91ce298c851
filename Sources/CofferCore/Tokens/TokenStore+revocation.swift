import CofferMountKit
import Foundation

extension TokenStore {
    /// Revokes a token and, depth first, every token below it, with their
    /// cubbyholes and leases. The token is refused from the first moment; its lock
    /// is held until its entry is gone, so a renewal, a use or a child creation
    /// waiting for it finds nothing to write to. Locks are taken parent before
    /// child, never the reverse, so two revocations cannot deadlock.
    package func revoke(hash key: String) async throws {
        try await revoking(key) {
            for child in try await self.barrier.list(prefix: Self.parentPrefix + key + "/") where !child.hasSuffix("/") {
                try await self.revoke(hash: child)
            }
        }
    }

    /// Revokes only this token: its children become orphans.
    package func revokeOrphan(hash key: String) async throws {
        try await revoking(key) {
            for child in try await self.barrier.list(prefix: Self.parentPrefix + key + "/") where !child.hasSuffix("/") {
                try await self.locks.withLock(child) {
                    var writes: [StorageWrite] = [.delete(Self.parentPrefix + key + "/" + child)]
                    if var entry = try await self.rawEntry(hash: child) {
                        entry.parentHash = nil
                        writes.append(.put(Self.idPrefix + child, entry.stored))
                    }
                    try await self.barrier.apply(writes)
                }
            }
        }
    }

    /// Marks `key` as being revoked, then under its lock runs `children` and
    /// removes the entry. The mark outlives a failure: the token stays refused
    /// until a later revocation removes it.
    private func revoking(_ key: String, children: @escaping @Sendable () async throws -> Void) async throws {
        lifecycles.revocationStarted(key)
        var entryGone = false
        defer { lifecycles.revocationEnded(key, entryGone: entryGone) }
        let removed = try await locks.withLock(key) { () -> TokenEntry? in
            try await children()
            return try await self.removeEntry(hash: key)
        }
        entryGone = true
        // Outside the lock: leases are revoked through their mounts, which may be slow.
        if let removed { await onRevoke.withLock({ $0 })?(removed) }
    }

    /// Deletes the entry with its accessor, its place in the tree and its
    /// cubbyhole; returns it, or nil when it was already gone.
    private func removeEntry(hash key: String) async throws -> TokenEntry? {
        guard let entry = try await rawEntry(hash: key) else { return nil }
        // The cubbyhole first: should the rest fail, the secrets are gone already.
        try await barrier.delete(prefix: Self.cubbyholePrefix + key + "/")
        var writes: [StorageWrite] = [
            .delete(Self.idPrefix + key),
            .delete(Self.accessorPrefix + (try hash(entry.accessor))),
        ]
        if let parent = entry.parentHash { writes.append(.delete(Self.parentPrefix + parent + "/" + key)) }
        try await barrier.apply(writes)
        return entry
    }
}
