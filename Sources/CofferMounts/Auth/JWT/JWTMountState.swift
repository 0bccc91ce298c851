import CofferMountKit
import Foundation
import Synchronization

/// The mount's config, roles and token verifier, cached in memory. A config write
/// drops the verifier (and with it the cached keys), as OpenBao does.
///
/// A class with a lock rather than an actor: every login reads the config, its
/// role and the verifier, and three hops to an actor cost more than the reads.
/// Storage is read outside the lock; a write drops the cached copy, and a read
/// that raced with a write does not put its stale copy back (`generation`).
final class JWTMountState: Sendable {
    private struct Cache {
        var config: JWTConfig?
        var configLoaded = false
        var verifier: TokenVerifier?
        var roles: [String: JWTRole] = [:]
        /// Bumped by every write, so a read begun before it is not cached.
        var generation = 0
    }

    private let storage: StorageView
    private let cache = Mutex(Cache())

    init(storage: StorageView) {
        self.storage = storage
    }

    func currentConfig() async throws -> JWTConfig? {
        let (cached, generation) = cache.withLock { ($0.configLoaded ? Optional($0.config) : nil, $0.generation) }
        if let cached { return cached }
        let stored = try await storage.getJSON(JWTConfig.self, "config")
        cache.withLock { cache in
            if cache.generation == generation {
                cache.config = stored
                cache.configLoaded = true
            }
        }
        return stored
    }

    func replace(_ new: JWTConfig) async throws {
        try await storage.putJSON("config", new)
        // The next read loads the config from storage, which holds the last write.
        cache.withLock { cache in
            cache.config = nil
            cache.configLoaded = false
            cache.verifier = nil
            cache.generation += 1
        }
    }

    func role(_ name: String) async throws -> JWTRole? {
        let (cached, generation) = cache.withLock { ($0.roles[name], $0.generation) }
        if let cached { return cached }
        guard let role = try await storage.getJSON(JWTRole.self, "role/" + name) else { return nil }
        cache.withLock { cache in
            if cache.generation == generation { cache.roles[name] = role }
        }
        return role
    }

    func putRole(_ name: String, _ role: JWTRole) async throws {
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

    /// The verifier for the current config, built on first use.
    func currentVerifier() async throws -> TokenVerifier {
        let (cached, generation) = cache.withLock { ($0.verifier, $0.generation) }
        if let cached { return cached }
        guard let config = try await currentConfig() else { throw MountError.badRequest("could not load configuration") }
        let built: TokenVerifier
        if !config.jwtValidationPubkeys.isEmpty {
            built = .staticKeys(await SignatureKeys.pem(config.jwtValidationPubkeys.compactMap(StaticKeys.parse)))
        } else if !config.jwksURL.isEmpty {
            built = .remote(RemoteKeySet(fetcher: try KeyFetcher(caPEM: config.jwksCAPEM), discoveryURL: nil, jwksURL: config.jwksURL))
        } else {
            built = .remote(
                RemoteKeySet(fetcher: try KeyFetcher(caPEM: config.oidcDiscoveryCAPEM), discoveryURL: config.oidcDiscoveryURL, jwksURL: nil)
            )
        }
        // Two first logins may both build one; the first stored is the one kept,
        // so every later login shares its key cache.
        return cache.withLock { cache in
            guard cache.generation == generation else { return built }
            if let existing = cache.verifier { return existing }
            cache.verifier = built
            return built
        }
    }
}
