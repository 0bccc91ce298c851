import CofferMountKit
import Foundation

/// The mount's config and token verifier, cached in memory. A config write drops
/// the verifier (and with it the cached keys), as OpenBao does.
actor JWTMountState {
    private let storage: StorageView
    private var config: JWTConfig?
    private var loaded = false
    private var verifier: TokenVerifier?
    /// Roles as last read or written; every write goes through `putRole`/`deleteRole`.
    private var roles: [String: JWTRole] = [:]

    init(storage: StorageView) {
        self.storage = storage
    }

    func currentConfig() async throws -> JWTConfig? {
        if !loaded {
            config = try await storage.getJSON(JWTConfig.self, "config")
            loaded = true
        }
        return config
    }

    func replace(_ new: JWTConfig) async throws {
        try await storage.putJSON("config", new)
        config = new
        loaded = true
        verifier = nil
    }

    func role(_ name: String) async throws -> JWTRole? {
        if let cached = roles[name] { return cached }
        guard let role = try await storage.getJSON(JWTRole.self, "role/" + name) else { return nil }
        roles[name] = role
        return role
    }

    func putRole(_ name: String, _ role: JWTRole) async throws {
        try await storage.putJSON("role/" + name, role)
        roles[name] = role
    }

    func deleteRole(_ name: String) async throws {
        try await storage.delete("role/" + name)
        roles[name] = nil
    }

    /// The verifier for the current config, built on first use.
    func currentVerifier() async throws -> TokenVerifier {
        if let verifier { return verifier }
        guard let config = try await currentConfig() else { throw MountError.badRequest("could not load configuration") }
        let built: TokenVerifier
        if !config.jwtValidationPubkeys.isEmpty {
            built = .staticKeys(await SignatureKeys.pem(config.jwtValidationPubkeys.compactMap(StaticKeys.parse)))
        } else if !config.jwksURL.isEmpty {
            built = .remote(RemoteKeySet(fetcher: try KeyFetcher(caPEM: config.jwksCAPEM), discoveryURL: nil, jwksURL: config.jwksURL))
        } else {
            built = .remote(RemoteKeySet(fetcher: try KeyFetcher(caPEM: config.oidcDiscoveryCAPEM), discoveryURL: config.oidcDiscoveryURL, jwksURL: nil))
        }
        verifier = built
        return built
    }
}
