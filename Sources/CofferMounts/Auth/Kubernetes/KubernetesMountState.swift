import CofferMountKit
import Foundation
import Synchronization

/// The mount's config, roles and what a login derives from the config (the
/// parsed `pem_keys`, the API client with its CA), cached in memory.
///
/// A class with a lock, as `JWTMountState`: every login reads all three, and
/// storage is read outside the lock. A write drops the cached copies, and a
/// read that raced with a write does not put its stale copy back.
final class KubernetesMountState: Sendable {
    /// What one login works with.
    struct Settings: Sendable {
        let config: KubernetesConfig
        /// nil when no `pem_keys` are configured: signatures are not checked.
        let signatureKeys: SignatureKeys?
        let client: KubernetesAPIClient
        /// The configured reviewer JWT, else the pod's token; nil means the
        /// client's own JWT is the bearer.
        let reviewerJWT: String?
    }

    private struct Derived {
        let caPEM: String
        let signatureKeys: SignatureKeys?
        let client: KubernetesAPIClient
    }

    private struct Cache {
        var config: KubernetesConfig?
        var configLoaded = false
        var derived: Derived?
        var roles: [String: KubernetesRole] = [:]
        var generation = 0
    }

    private let storage: StorageView
    let local: LocalServiceAccount
    private let cache = Mutex(Cache())

    init(storage: StorageView, local: LocalServiceAccount) {
        self.storage = storage
        self.local = local
    }

    func currentConfig() async throws -> KubernetesConfig? {
        let (cached, generation) = cache.withLock { ($0.configLoaded ? Optional($0.config) : nil, $0.generation) }
        if let cached { return cached }
        let stored = try await storage.getJSON(KubernetesConfig.self, "config")
        cache.withLock { cache in
            if cache.generation == generation {
                cache.config = stored
                cache.configLoaded = true
            }
        }
        return stored
    }

    func replace(_ new: KubernetesConfig) async throws {
        try await storage.putJSON("config", new)
        cache.withLock { cache in
            cache.config = nil
            cache.configLoaded = false
            cache.derived = nil
            cache.generation += 1
        }
    }

    func role(_ name: String) async throws -> KubernetesRole? {
        let (cached, generation) = cache.withLock { ($0.roles[name], $0.generation) }
        if let cached { return cached }
        guard let role = try await storage.getJSON(KubernetesRole.self, "role/" + name) else { return nil }
        cache.withLock { cache in
            if cache.generation == generation { cache.roles[name] = role }
        }
        return role
    }

    func putRole(_ name: String, _ role: KubernetesRole) async throws {
        try await storage.putJSON("role/" + name, role)
        forgetRole(name)
    }

    func deleteRole(_ name: String) async throws {
        try await storage.delete("role/" + name)
        forgetRole(name)
    }

    private func forgetRole(_ name: String) {
        cache.withLock { cache in
            cache.roles[name] = nil
            cache.generation += 1
        }
    }

    /// The settings for a login; nil when the mount has no config. The pod's
    /// CA and token are looked up on each call (`LocalServiceAccount` rereads
    /// them once a minute), and the API client is rebuilt when the CA changes.
    func settings() async throws -> Settings? {
        guard let config = try await currentConfig() else { return nil }
        let useLocal = !config.disableLocalCAJWT
        let caPEM = !config.caCert.isEmpty ? config.caCert : useLocal ? (local.caCertificate() ?? "") : ""
        let reviewer = !config.tokenReviewerJWT.isEmpty ? config.tokenReviewerJWT : useLocal ? local.token() : nil
        let (cached, generation) = cache.withLock { ($0.derived, $0.generation) }
        if let cached, cached.caPEM == caPEM {
            return Settings(config: config, signatureKeys: cached.signatureKeys, client: cached.client, reviewerJWT: reviewer)
        }
        let keys = config.pemKeys.isEmpty ? nil : await SignatureKeys.pem(config.pemKeys.compactMap(StaticKeys.parse))
        let client: KubernetesAPIClient
        do {
            client = try KubernetesAPIClient(baseURL: config.baseURL, caPEM: caPEM)
        } catch {
            throw MountError.internal("the cluster CA certificate could not be parsed")
        }
        let derived = Derived(caPEM: caPEM, signatureKeys: keys, client: client)
        cache.withLock { cache in
            if cache.generation == generation { cache.derived = derived }
        }
        return Settings(config: config, signatureKeys: keys, client: client, reviewerJWT: reviewer)
    }
}
