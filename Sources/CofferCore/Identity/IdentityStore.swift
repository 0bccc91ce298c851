import CofferEncoding
import Crypto
import Foundation
import Synchronization

/// The identity store: entities and their aliases, behind the barrier at
/// `identity/entity/<id>`, all held in memory while unsealed (one entry per CI
/// identity that ever logged in: a few thousand at most, read on every request
/// that carries a templated policy).
///
/// A login's entity id is derived from its mount accessor and alias name, so two
/// first logins of one identity at once, or on two nodes, make the same entity.
package final class IdentityStore: Sendable {
    static let prefix = "identity/entity/"
    static let groupPrefix = "identity/group/"

    private struct State {
        var entities: [String: Entity] = [:]
        var groups: [String: IdentityGroup] = [:]
        /// (mount accessor, alias name) -> entity id.
        var aliases: [AliasKey: String] = [:]
        /// (mount accessor, group alias name) -> external group id.
        var groupAliases: [AliasKey: String] = [:]
    }

    private struct AliasKey: Hashable {
        let accessor: String
        let name: String
    }

    private let barrier: SecurityBarrier
    private let clock: @Sendable () -> Date
    private let state = Mutex(State())
    /// Tokens' compiled ACLs read entities and groups: every change here empties them.
    private let acls: ACLCache
    /// Read-modify-write changes take turns (logins, and the identity API's writes).
    let turns = IdentityWriteTurns()

    init(barrier: SecurityBarrier, clock: @escaping @Sendable () -> Date, acls: ACLCache) {
        self.barrier = barrier
        self.clock = clock
        self.acls = acls
    }

    /// Changes the in-memory state, then drops the ACLs built from what it was.
    private func change<T>(_ body: (inout State) -> T) -> T {
        defer { acls.invalidate() }
        return state.withLock { body(&$0) }
    }

    func load() async throws {
        var loaded = State()
        for key in try await barrier.list(prefix: Self.prefix) where !key.hasSuffix("/") {
            guard let data = try await barrier.get(Self.prefix + key) else { continue }
            let entity = try Entity(stored: data)
            loaded.entities[entity.id] = entity
            for alias in entity.aliases { loaded.aliases[AliasKey(accessor: alias.mountAccessor, name: alias.name)] = entity.id }
        }
        for key in try await barrier.list(prefix: Self.groupPrefix) where !key.hasSuffix("/") {
            guard let data = try await barrier.get(Self.groupPrefix + key) else { continue }
            let group = try IdentityGroup(stored: data)
            loaded.groups[group.id] = group
            if let alias = group.alias { loaded.groupAliases[AliasKey(accessor: alias.mountAccessor, name: alias.name)] = group.id }
        }
        change { $0 = loaded }
    }

    func unload() {
        change { $0 = State() }
    }

    package func entity(id: String) -> Entity? {
        state.withLock { $0.entities[id] }
    }

    package func entity(name: String) -> Entity? {
        state.withLock { $0.entities.values.first { $0.name == name } }
    }

    /// The entity with the alias `name` on the mount with `accessor`.
    package func entity(aliasAccessor accessor: String, name: String) -> Entity? {
        state.withLock { state in state.aliases[AliasKey(accessor: accessor, name: name)].flatMap { state.entities[$0] } }
    }

    /// A token's entity and its groups; nil when the token has none.
    package func context(entityID: String) -> IdentityContext? {
        guard !entityID.isEmpty else { return nil }
        return state.withLock { state in
            guard let entity = state.entities[entityID] else { return nil }
            return IdentityContext(entity: entity, groups: Self.groups(of: entityID, in: state.groups).all.compactMap { state.groups[$0] })
        }
    }

    /// The groups that list the entity (`direct`), and those plus every group
    /// that lists one of them as a subgroup, transitively (`all`); sorted ids.
    private static func groups(of entityID: String, in groups: [String: IdentityGroup]) -> (direct: [String], all: [String]) {
        let direct = groups.values.filter { $0.memberEntityIDs.contains(entityID) }.map(\.id)
        var all = Set(direct)
        var frontier = direct
        while let child = frontier.popLast() {
            for parent in groups.values where parent.memberGroupIDs.contains(child) && !all.contains(parent.id) {
                all.insert(parent.id)
                frontier.append(parent.id)
            }
        }
        return (direct.sorted(), all.sorted())
    }

    /// The group ids an entity read shows: direct, all, and inherited (all less direct).
    package func groupIDs(of entityID: String) -> (direct: [String], all: [String]) {
        state.withLock { Self.groups(of: entityID, in: $0.groups) }
    }

    package func group(id: String) -> IdentityGroup? {
        state.withLock { $0.groups[id] }
    }

    package func group(name: String) -> IdentityGroup? {
        state.withLock { $0.groups.values.first { $0.name == name } }
    }

    package var groupIDs: [String] {
        state.withLock { $0.groups.keys.sorted() }
    }

    /// The groups that list `id` as a subgroup.
    package func parentGroupIDs(of id: String) -> [String] {
        state.withLock { $0.groups.values.filter { $0.memberGroupIDs.contains(id) }.map(\.id).sorted() }
    }

    /// The external group holding the group alias with this id, and the alias.
    package func groupAlias(id: String) -> (IdentityGroup, GroupAlias)? {
        state.withLock { state in
            for group in state.groups.values {
                if let alias = group.alias, alias.id == id { return (group, alias) }
            }
            return nil
        }
    }

    /// The external group whose alias is `name` on the mount with `accessor`.
    package func group(aliasAccessor accessor: String, name: String) -> IdentityGroup? {
        state.withLock { state in state.groupAliases[AliasKey(accessor: accessor, name: name)].flatMap { state.groups[$0] } }
    }

    package var groupAliasIDs: [String] {
        state.withLock { $0.groups.values.compactMap(\.alias?.id).sorted() }
    }

    /// Writes a group and indexes its alias.
    func save(_ group: IdentityGroup) async throws {
        try await barrier.put(Self.groupPrefix + group.id, group.stored)
        change { state in
            // Only keys still pointing here: an alias moved to another group was indexed there already.
            if let previous = state.groups[group.id]?.alias,
                state.groupAliases[AliasKey(accessor: previous.mountAccessor, name: previous.name)] == group.id
            {
                state.groupAliases.removeValue(forKey: AliasKey(accessor: previous.mountAccessor, name: previous.name))
            }
            state.groups[group.id] = group
            if let alias = group.alias { state.groupAliases[AliasKey(accessor: alias.mountAccessor, name: alias.name)] = group.id }
        }
    }

    /// Deletes a group, its alias with it, and its place in other groups' subgroup lists.
    func deleteGroup(id: String) async throws {
        for var parent in state.withLock({ $0.groups.values.filter { $0.memberGroupIDs.contains(id) } }) {
            parent.memberGroupIDs.removeAll { $0 == id }
            try await save(parent)
        }
        try await barrier.delete(Self.groupPrefix + id)
        change { state in
            guard let previous = state.groups.removeValue(forKey: id), let alias = previous.alias else { return }
            state.groupAliases.removeValue(forKey: AliasKey(accessor: alias.mountAccessor, name: alias.name))
        }
    }

    /// A login's external groups: the entity joins each external group whose
    /// alias on this mount is one of `names`, and leaves those of this mount it
    /// no longer names (Vault's behaviour: groups of other mounts are kept).
    /// Groups named by no alias are ignored, and nothing is written when
    /// nothing changed, so a repeated login costs no write.
    func refreshExternalGroups(entityID: String, accessor: String, names: [String]) async throws {
        guard !changedExternalGroups(entityID: entityID, accessor: accessor, names: names).isEmpty else { return }
        try await turns.run {
            for group in changedExternalGroups(entityID: entityID, accessor: accessor, names: names) { try await save(group) }
        }
    }

    /// The external groups of `accessor` whose membership of the entity must change, changed.
    private func changedExternalGroups(entityID: String, accessor: String, names: [String]) -> [IdentityGroup] {
        let wanted = Set(names)
        let now = clock()
        return state.withLock { state in
            state.groups.values.compactMap { group in
                guard group.kind == .external, let alias = group.alias, alias.mountAccessor == accessor else { return nil }
                let isMember = group.memberEntityIDs.contains(entityID)
                guard isMember != wanted.contains(alias.name) else { return nil }
                var changed = group
                if isMember { changed.memberEntityIDs.removeAll { $0 == entityID } } else { changed.memberEntityIDs.append(entityID) }
                changed.memberEntityIDs.sort()
                changed.lastUpdateTime = now
                return changed
            }
        }
    }

    package var entityIDs: [String] {
        state.withLock { $0.entities.keys.sorted() }
    }

    /// The entity holding the alias with this id, and the alias.
    package func alias(id: String) -> (Entity, EntityAlias)? {
        state.withLock { state in
            for entity in state.entities.values {
                if let alias = entity.aliases.first(where: { $0.id == id }) { return (entity, alias) }
            }
            return nil
        }
    }

    /// The entity a login of `aliasName` through a mount belongs to: made on the
    /// first login, its alias metadata refreshed when a later login brings other
    /// values (Vault's behaviour). Written only when something changed.
    func entityForLogin(
        accessor: String, mountType: String, mountPath: String, aliasName: String, metadata: [String: String]
    ) async throws -> Entity {
        let key = AliasKey(accessor: accessor, name: aliasName)
        // The common case, a repeated login with the same metadata, writes nothing and waits for no turn.
        if let existing = state.withLock({ state in state.aliases[key].flatMap { state.entities[$0] } }),
            existing.aliases.contains(where: { $0.mountAccessor == accessor && $0.name == aliasName && $0.metadata == metadata })
        {
            return existing
        }
        return try await turns.run {
            try await madeOrRefreshed(key, mountType: mountType, mountPath: mountPath, metadata: metadata)
        }
    }

    private func madeOrRefreshed(_ key: AliasKey, mountType: String, mountPath: String, metadata: [String: String]) async throws -> Entity {
        let (accessor, aliasName) = (key.accessor, key.name)
        let now = clock()
        let existing = state.withLock { state in state.aliases[key].flatMap { state.entities[$0] } }
        var entity: Entity
        if let existing {
            guard let index = existing.aliases.firstIndex(where: { $0.mountAccessor == accessor && $0.name == aliasName }),
                existing.aliases[index].metadata != metadata
            else { return existing }
            entity = existing
            entity.aliases[index].metadata = metadata
            entity.aliases[index].lastUpdateTime = now
            entity.lastUpdateTime = now
        } else {
            let id = Self.derivedID(accessor, aliasName, kind: 0)
            let alias = EntityAlias(
                id: Self.derivedID(accessor, aliasName, kind: 1), mountAccessor: accessor, mountType: mountType, mountPath: mountPath,
                name: aliasName, metadata: metadata, creationTime: now, lastUpdateTime: now)
            entity = Entity(
                id: id, name: Entity.defaultName(id: id), metadata: [:], policies: [], disabled: false, aliases: [alias],
                creationTime: now, lastUpdateTime: now)
        }
        try await save(entity)
        return entity
    }

    /// Writes an entity and indexes its aliases.
    func save(_ entity: Entity) async throws {
        try await barrier.put(Self.prefix + entity.id, entity.stored)
        change { state in
            // Only keys still pointing here: an alias moved to another entity was indexed there already.
            for alias in state.entities[entity.id]?.aliases ?? [] {
                let key = AliasKey(accessor: alias.mountAccessor, name: alias.name)
                if state.aliases[key] == entity.id { state.aliases.removeValue(forKey: key) }
            }
            state.entities[entity.id] = entity
            for alias in entity.aliases { state.aliases[AliasKey(accessor: alias.mountAccessor, name: alias.name)] = entity.id }
        }
    }

    /// Every group listing `from` lists `to` instead (an entity merge).
    func moveGroupMemberships(from: String, to: String) async throws {
        for var group in state.withLock({ $0.groups.values.filter { $0.memberEntityIDs.contains(from) } }) {
            group.memberEntityIDs = Array(Set(group.memberEntityIDs.filter { $0 != from } + [to])).sorted()
            try await save(group)
        }
    }

    /// Deletes an entity, and its place in every group.
    func delete(id: String) async throws {
        for var group in state.withLock({ $0.groups.values.filter { $0.memberEntityIDs.contains(id) } }) {
            group.memberEntityIDs.removeAll { $0 == id }
            try await save(group)
        }
        try await barrier.delete(Self.prefix + id)
        change { state in
            guard let previous = state.entities.removeValue(forKey: id) else { return }
            // Only keys still pointing here: a merge moved the aliases to another entity first.
            for alias in previous.aliases {
                let key = AliasKey(accessor: alias.mountAccessor, name: alias.name)
                if state.aliases[key] == id { state.aliases.removeValue(forKey: key) }
            }
        }
    }

    /// The same alias on the same mount always gives the same ids: `kind` 0 the
    /// entity's, 1 the alias's.
    static func derivedID(_ accessor: String, _ alias: String, kind: UInt8) -> String {
        var hash = SHA256()
        var accessor = accessor, alias = alias
        accessor.withUTF8 { hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        hash.update(data: [0])
        alias.withUTF8 { hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        if kind != 0 { hash.update(data: [0, kind]) }
        return hash.finalize().withUnsafeBytes { UUIDs.version4($0) }
    }
}
