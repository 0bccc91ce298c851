import CofferEncoding
import CofferMountKit
import Foundation

/// The Kubernetes auth method, for runners in pods: a pod logs in with its
/// service-account token, the cluster's API server confirms it (TokenReview),
/// and the account's name and namespace pick the role (spec/vault-api.md §10).
package struct KubernetesAuthMount: Mount {
    let storage: StorageView
    let state: KubernetesMountState
    let clock: @Sendable () -> Date

    package init(storage: StorageView, clock: @escaping @Sendable () -> Date = Date.init) {
        self.init(storage: storage, clock: clock, local: LocalServiceAccount())
    }

    /// `local` is where the pod's token and CA are read from (a test's directory).
    init(storage: StorageView, clock: @escaping @Sendable () -> Date, local: LocalServiceAccount) {
        self.storage = storage
        self.state = KubernetesMountState(storage: storage, local: local)
        self.clock = clock
    }

    package static let factory: MountFactory = { context in KubernetesAuthMount(storage: context.storage, clock: context.clock) }

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
        guard let config = try await state.records.currentConfig() else { throw MountError.notFound }
        return MountResponse(data: config.json)
    }

    func writeConfig(_ request: MountRequest) async throws -> MountResponse {
        let config = try KubernetesConfig.parse(request.fields)
        // Outside a pod there is no cluster CA to fall back on: OpenBao refuses
        // such a config when it is written, not at the first login.
        if config.caCert.isEmpty, !config.disableLocalCAJWT, state.local.caCertificate() == nil {
            throw MountError.badRequest(
                "open \(state.local.directory)/ca.crt: no such file or directory")
        }
        try await state.records.replace(config)
        return .noContent
    }

    // MARK: roles

    func writeRole(_ request: MountRequest, name: String) async throws -> MountResponse {
        var role = try await state.records.role(name) ?? KubernetesRole()
        let warnings = try role.update(from: request.fields)
        try await state.records.putRole(name, role)
        return MountResponse(warnings: warnings)
    }

    // MARK: login

    func login(_ request: MountRequest) async throws -> MountResponse {
        let (login, jwt) = try await preparedLogin(request)
        let decision = try await login.decide(jwt: jwt, clientAddress: request.clientAddress, mountPath: request.mountPath)
        var response = MountResponse()
        response.auth = try decision.grantedAuth(method: "kubernetes", role: login.roleName)
        return response
    }

    /// The role, config and token, or the refusal OpenBao gives before any
    /// check runs (a field missing, no such role, no config).
    func preparedLogin(_ request: MountRequest) async throws -> (login: KubernetesLogin, jwt: String) {
        let roleName = (try request.fields.string("role") ?? "").lowercased()
        guard !roleName.isEmpty else { throw MountError.badRequest("missing role") }
        guard let jwt = try request.fields.string("jwt"), !jwt.isEmpty else { throw MountError.badRequest("missing jwt") }
        guard let role = try await state.records.role(roleName) else { throw MountError.badRequest("invalid role name \"\(roleName)\"") }
        guard let settings = try await state.settings() else { throw MountError.internal("could not load backend configuration") }
        return (KubernetesLogin(settings: settings, role: role, roleName: roleName, now: clock()), jwt)
    }
}
