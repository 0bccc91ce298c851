import Synchronization

/// Compiled ACLs by what they are built from: a token's policy names and its
/// entity id. Building one merges every policy's rules and resolves the
/// templated paths for the entity and its groups; the tokens of one role and
/// one CI identity share an entry, so a request builds nothing.
///
/// Correctness over hit rate, as `CachedStorage`: whatever changes what an ACL
/// is built from (a policy, an entity or a group written or deleted, and the
/// stores loaded or emptied at unseal, seal, HA takeover and step-down) calls
/// `invalidate()` once its new state is in place. That empties the cache and
/// bumps the generation; an ACL built from state read before is kept only if
/// the generation it saw is still current. So once such a write is answered,
/// no request is decided with an ACL that predates it.
package final class ACLCache: Sendable {
    package struct Key: Hashable, Sendable {
        package let policies: [String]
        /// Empty for a token with no entity.
        package let entityID: String
    }

    private struct State {
        var generation: UInt64 = 0
        var entries: [Key: ACL] = [:]
    }

    /// Distinct (policies, entity) pairs held; one per CI identity in use.
    package static let defaultCapacity = 8192

    private let capacity: Int
    private let state = Mutex(State())

    package init(capacity: Int = defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Entries held now, for tests.
    package var count: Int { state.withLock { $0.entries.count } }

    /// The cached ACL for `key`, or the one `build` makes (kept unless an
    /// invalidation came while it was built).
    package func acl(_ key: Key, build: () -> ACL) -> ACL {
        let (hit, seen) = state.withLock { ($0.entries[key], $0.generation) }
        if let hit { return hit }
        let built = build()
        state.withLock { state in
            guard state.generation == seen else { return }
            // Full: drop an arbitrary entry; a miss costs one build, never a wrong answer.
            if state.entries.count >= capacity, state.entries[key] == nil {
                state.entries.remove(at: state.entries.startIndex)
            }
            state.entries[key] = built
        }
        return built
    }

    /// Called after a change to policies or identities is in place.
    package func invalidate() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }
}
