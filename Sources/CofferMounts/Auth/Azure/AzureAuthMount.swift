import CofferEncoding
import CofferMountKit
import Foundation

/// The Azure auth method, for runners on Azure VMs and scale sets: a managed
/// identity logs in with the access token the instance metadata service gives
/// it, verified against its tenant's keys, and, when the role binds where it
/// runs, against the resource manager's description of the VM or scale set
/// (Vault's `auth/azure`).
package struct AzureAuthMount: Mount {
    let storage: StorageView
    let state: AzureMountState
    let clock: @Sendable () -> Date

    package init(storage: StorageView, clock: @escaping @Sendable () -> Date = Date.init) {
        self.storage = storage
        self.state = AzureMountState(storage: storage)
        self.clock = clock
    }

    package static let factory: MountFactory = { context in AzureAuthMount(storage: context.storage, clock: context.clock) }

    package var unauthenticatedPaths: [PathPattern] { Self.paths.unauthenticatedPatterns }

    package func handle(_ request: MountRequest) async throws -> MountResponse {
        try await Self.paths.handle(request, owner: self)
    }

    package func exists(_ request: MountRequest) async throws -> Bool? {
        try await Self.paths.exists(request, owner: self)
    }

    package func help(_ path: String) -> PathHelp? { Self.paths.help(path) }

    func readConfig() async throws -> MountResponse {
        guard let config = try await state.records.currentConfig() else { throw MountError.notFound }
        return MountResponse(data: config.json)
    }

    func writeConfig(_ request: MountRequest) async throws -> MountResponse {
        var config = try await state.records.currentConfig() ?? AzureConfig()
        try config.update(from: request.fields)
        try await state.records.replace(config)
        return .noContent
    }

    func writeRole(_ request: MountRequest, name: String) async throws -> MountResponse {
        var role = try await state.records.role(name) ?? AzureRole()
        let warnings = try role.update(from: request.fields)
        try await state.records.putRole(name, role)
        return MountResponse(warnings: warnings)
    }

    func login(_ request: MountRequest) async throws -> MountResponse {
        let (login, jwt) = try await preparedLogin(request)
        let decision = try await login.decide(jwt: jwt, clientAddress: request.clientAddress, mountPath: request.mountPath)
        var response = MountResponse()
        response.auth = try decision.grantedAuth(method: "azure", role: login.roleName)
        return response
    }

    /// The role, config and resource named, or the plugin's refusal before any check.
    func preparedLogin(_ request: MountRequest) async throws -> (login: AzureLogin, jwt: String) {
        guard let jwt = try request.fields.string("jwt"), !jwt.isEmpty else { throw MountError.badRequest("jwt is required") }
        guard jwt.utf8.count <= 16 * 1024 else { throw MountError.badRequest("oidc: malformed jwt: too large") }
        let roleName = (try request.fields.string("role") ?? "").lowercased()
        guard !roleName.isEmpty else { throw MountError.badRequest("role is required") }
        guard let role = try await state.records.role(roleName) else { throw MountError.badRequest("invalid role name \"\(roleName)\"") }
        let resource = try AzureLoginRequest(request.fields)
        let (config, derived) = try await state.settings()
        return (AzureLogin(role: role, roleName: roleName, config: config, derived: derived, resource: resource, now: clock()), jwt)
    }
}

extension AzureAuthMount: LoginExplaining {
    /// The login's own preparation and decision (lookups only read), unminted.
    package func explainLogin(_ request: MountRequest) async throws -> LoginExplanation {
        let (login, jwt) = try await preparedLogin(request)
        let decision = try await login.decide(jwt: jwt, clientAddress: request.clientAddress, mountPath: request.mountPath)
        return LoginExplanation(decision, method: "azure", role: login.roleName)
    }
}
