import CofferEncoding
import CofferMountKit
import CoreMetrics
import Foundation

/// The JWT/OIDC auth method, for CI jobs that log in with their platform's OIDC
/// token (spec/jwt-auth.md). One mount per issuer (per CircleCI organization).
package struct JWTAuthMount: Mount {
    let storage: StorageView
    let state: JWTMountState
    let clock: @Sendable () -> Date
    let jwks: JWKSMetrics

    package init(storage: StorageView, clock: @escaping @Sendable () -> Date = Date.init) {
        self.init(storage: storage, clock: clock, jwks: .disabled)
    }

    init(storage: StorageView, clock: @escaping @Sendable () -> Date, jwks: JWKSMetrics) {
        self.storage = storage
        self.state = JWTMountState(storage: storage)
        self.clock = clock
        self.jwks = jwks
    }

    package static let factory: MountFactory = makeFactory(metrics: NOOPMetricsHandler.instance)

    /// Mounts whose JWKS fetches are counted in `metrics`, labelled with the mount's path.
    package static func makeFactory(metrics: any MetricsFactory) -> MountFactory {
        { context in
            JWTAuthMount(storage: context.storage, clock: context.clock, jwks: JWKSMetrics(mount: context.path, factory: metrics))
        }
    }

    package var unauthenticatedPaths: [PathPattern] { Self.paths.unauthenticatedPatterns }

    package func handle(_ request: MountRequest) async throws -> MountResponse {
        try await Self.paths.handle(request, owner: self)
    }

    package func exists(_ request: MountRequest) async throws -> Bool? {
        try await Self.paths.exists(request, owner: self)
    }

    package func help(_ path: String) -> PathHelp? { Self.paths.help(path) }

    // MARK: config

    func readConfig() async throws -> MountResponse {
        guard let config = try await state.currentConfig() else { throw MountError.notFound }
        var warnings: [String] = []
        var status = "valid"
        if let error = await discoveryError(config) {
            status = "invalid"
            warnings.append("failed to construct JWK validator: keyset configuration error: \(error)")
        }
        return MountResponse(data: config.json(status: status), warnings: warnings)
    }

    func writeConfig(_ request: MountRequest) async throws -> MountResponse {
        let previous = try await state.currentConfig()
        let config = try JWTConfig.parse(request.fields, previous: previous)
        let skip = try request.fields.bool("skip_jwks_validation") ?? false
        var warnings: [String] = []
        if let problem = await reachabilityProblem(config) {
            guard skip else { throw MountError.badRequest(problem.full) }
            warnings.append(problem.short)
        }
        try await state.replace(config)
        return MountResponse(warnings: warnings)
    }

    /// Discovery is fetched and its issuer checked; a JWKS URL is fetched (§1.2).
    private func reachabilityProblem(_ config: JWTConfig) async -> (full: String, short: String)? {
        if let error = await discoveryError(config) {
            return ("error checking oidc discovery URL: \(error)", "error checking oidc discovery URL")
        } else if config.oidcDiscoveryURL.isEmpty, !config.jwksURL.isEmpty {
            do {
                _ = try await KeyFetcher(caPEM: config.jwksCAPEM).json(config.jwksURL)
            } catch {
                return ("error checking jwks URL", "error checking jwks URL")
            }
        }
        return nil
    }

    /// Why the configured discovery document cannot be used; nil when it can, or
    /// when no discovery URL is set.
    private func discoveryError(_ config: JWTConfig) async -> (any Error)? {
        guard !config.oidcDiscoveryURL.isEmpty else { return nil }
        do {
            _ = try await KeyFetcher(caPEM: config.oidcDiscoveryCAPEM).discover(config.oidcDiscoveryURL)
            return nil
        } catch {
            return error
        }
    }

    // MARK: roles

    func writeRole(_ request: MountRequest, name: String) async throws -> MountResponse {
        var role = try await state.role(name) ?? JWTRole()
        let warnings = try role.update(from: request.fields)
        try await state.putRole(name, role)
        return MountResponse(warnings: warnings)
    }

    // MARK: login

    func login(_ request: MountRequest) async throws -> MountResponse {
        let (login, jwt) = try await preparedLogin(request)
        let decision = try await login.decide(
            jwt: jwt, clientAddress: request.clientAddress, mountPath: request.mountPath, explaining: false)
        var response = MountResponse()
        response.auth = try decision.grantedAuth(method: "jwt", role: login.roleName)
        return response
    }

    /// The login's config, role and token, or the refusal OpenBao gives before
    /// any check runs (no config, no role, an `oidc` role, no token). Shared by
    /// the login and its explanation.
    func preparedLogin(_ request: MountRequest) async throws -> (login: JWTLogin, jwt: String) {
        guard let config = try await state.currentConfig() else { throw MountError.badRequest("could not load configuration") }
        var roleName = (try request.fields.string("role") ?? "").lowercased()
        if roleName.isEmpty { roleName = config.defaultRole }
        guard !roleName.isEmpty else { throw MountError.badRequest("missing role") }
        guard let role = try await state.role(roleName) else {
            throw MountError.badRequest("role \"\(roleName)\" could not be found")
        }
        guard role.roleType != "oidc" else { throw MountError.badRequest("role with oidc role_type is not allowed") }
        guard let jwt = try request.fields.string("jwt"), !jwt.isEmpty else { throw MountError.badRequest("missing token") }
        let verifier = try await state.currentVerifier(jwks: jwks)
        return (JWTLogin(config: config, role: role, roleName: roleName, verifier: verifier, now: clock()), jwt)
    }
}
