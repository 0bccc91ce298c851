import CofferEncoding
import CofferMountKit
import Synchronization

/// An auth mount's config and roles cached in memory, with one value derived
/// from the config (JWT's token verifier, Kubernetes' API client) that a config
/// write drops, as OpenBao does.
///
/// A class with a lock rather than an actor: every login reads the config, its
/// role and the derived value, and three hops to an actor cost more than the
/// reads. Storage is read outside the lock; a write drops the cached copy, and a
/// read that raced with a write does not put its stale copy back (`generation`).
/// In this module, not MountKit, so that release builds specialize it.
final class AuthMountRecords<Config: Codable & Sendable, Role: Codable & Sendable, Derived: Sendable>: Sendable {
    private struct Cache {
        var config: Config?
        var configLoaded = false
        var derived: Derived?
        var roles: [String: Role] = [:]
        /// Bumped by every write, so a read begun before it is not cached.
        var generation = 0
    }

    let storage: StorageView
    private let cache = Mutex(Cache())

    init(storage: StorageView) {
        self.storage = storage
    }

    func currentConfig() async throws -> Config? {
        let (cached, generation) = cache.withLock { ($0.configLoaded ? Optional($0.config) : nil, $0.generation) }
        if let cached { return cached }
        let stored = try await storage.getJSON(Config.self, "config")
        cache.withLock { cache in
            if cache.generation == generation {
                cache.config = stored
                cache.configLoaded = true
            }
        }
        return stored
    }

    func replace(_ new: Config) async throws {
        try await storage.putJSON("config", new)
        // The next read loads the config from storage, which holds the last write.
        cache.withLock { cache in
            cache.config = nil
            cache.configLoaded = false
            cache.derived = nil
            cache.generation += 1
        }
    }

    func role(_ name: String) async throws -> Role? {
        let (cached, generation) = cache.withLock { ($0.roles[name], $0.generation) }
        if let cached { return cached }
        guard let role = try await storage.getJSON(Role.self, "role/" + name) else { return nil }
        cache.withLock { cache in
            if cache.generation == generation { cache.roles[name] = role }
        }
        return role
    }

    func putRole(_ name: String, _ role: Role) async throws {
        try await storage.putJSON("role/" + name, role)
        forgetRole(name)
    }

    func deleteRole(_ name: String) async throws {
        try await storage.delete("role/" + name)
        forgetRole(name)
    }

    /// The next read loads the role from storage, which holds the last write.
    private func forgetRole(_ name: String) {
        cache.withLock { cache in
            cache.roles[name] = nil
            cache.generation += 1
        }
    }

    /// The derived value kept now, and the generation to hand back to `keep`.
    func derived() -> (value: Derived?, generation: Int) {
        cache.withLock { ($0.derived, $0.generation) }
    }

    /// Keeps `made` unless a write came since `generation` or the value kept
    /// meanwhile is `stillGood`; returns the value to use. Two first logins may
    /// both make one: the first kept wins, so later logins share its state.
    func keep(_ made: Derived, madeAt generation: Int, unless stillGood: (Derived) -> Bool) -> Derived {
        cache.withLock { cache in
            guard cache.generation == generation else { return made }
            if let existing = cache.derived, stillGood(existing) { return existing }
            cache.derived = made
            return made
        }
    }
}

/// A role as `GET role/<name>` shows it.
protocol ShownRole {
    var json: [String: JSONValue] { get }
}

extension AuthMountRecords {
    /// `LIST role/`: the role names; not found when there are none.
    func listedRoles() async throws -> MountResponse {
        let names = try await storage.list("role/").filter { !$0.hasSuffix("/") }
        guard !names.isEmpty else { throw MountError.notFound }
        return MountResponse(data: ["keys": JSONValue(names)])
    }

    /// `DELETE role/<name>`.
    func deletedRole(_ name: String) async throws -> MountResponse {
        try await deleteRole(name)
        return .noContent
    }
}

extension AuthMountRecords where Role: ShownRole {
    /// `GET role/<name>`.
    func shownRole(_ name: String) async throws -> MountResponse {
        guard let role = try await role(name) else { throw MountError.notFound }
        return MountResponse(data: role.json)
    }
}
