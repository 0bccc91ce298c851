import CofferEncoding
import CofferMountKit
import Foundation

/// The GCP auth method, for runners on Google Cloud: a service account logs in
/// with a JWT it had Google sign (`iam`), or a VM with its instance identity
/// token (`gce`); Google's keys vouch for the token, and Google's IAM and
/// Compute APIs for the account and the instance as they are now (Vault's
/// `auth/gcp`).
package struct GCPAuthMount: Mount {
    let storage: StorageView
    let state: GCPMountState
    let clock: @Sendable () -> Date

    package init(storage: StorageView, clock: @escaping @Sendable () -> Date = Date.init) {
        self.storage = storage
        self.state = GCPMountState(storage: storage)
        self.clock = clock
    }

    package static let factory: MountFactory = { context in GCPAuthMount(storage: context.storage, clock: context.clock) }

    package var unauthenticatedPaths: [PathPattern] { Self.paths.unauthenticatedPatterns }

    package func handle(_ request: MountRequest) async throws -> MountResponse {
        try await Self.paths.handle(request, owner: self)
    }

    package func exists(_ request: MountRequest) async throws -> Bool? {
        try await Self.paths.exists(request, owner: self)
    }

    package func help(_ path: String) -> PathHelp? { Self.paths.help(path) }

    func readConfig() async throws -> MountResponse {
        MountResponse(data: (try await state.records.currentConfig() ?? GCPConfig()).json)
    }

    func writeConfig(_ request: MountRequest) async throws -> MountResponse {
        var config = try await state.records.currentConfig() ?? GCPConfig()
        try config.update(from: request.fields)
        try await state.records.replace(config)
        return .noContent
    }

    func writeRole(_ request: MountRequest, name: String) async throws -> MountResponse {
        let existing = try await state.records.role(name)
        var role = existing ?? GCPRole()
        let warnings = try role.update(from: request.fields, isNew: existing == nil)
        try await state.records.putRole(name, role)
        return MountResponse(warnings: warnings)
    }

    func login(_ request: MountRequest) async throws -> MountResponse {
        let (login, jwt) = try await preparedLogin(request)
        let decision = try await login.decide(jwt: jwt, clientAddress: request.clientAddress, mountPath: request.mountPath)
        var response = MountResponse()
        response.auth = try decision.grantedAuth(method: "gcp", role: login.roleName)
        return response
    }

    /// The role, settings and JWT, or the plugin's refusal before any check.
    func preparedLogin(_ request: MountRequest) async throws -> (login: GCPLogin, jwt: String) {
        let roleName = (try request.fields.string("role") ?? "").lowercased()
        guard !roleName.isEmpty else { throw MountError.badRequest("role is required") }
        guard let role = try await state.records.role(roleName) else { throw MountError.badRequest("role \"\(roleName)\" not found") }
        guard let jwt = try request.fields.string("jwt"), !jwt.isEmpty else { throw MountError.badRequest("jwt argument is required") }
        // A JWT is a few kilobytes; a bigger one is refused before it is parsed.
        guard jwt.utf8.count <= 16 * 1024 else { throw MountError.badRequest("unable to parse signed JWT: too large") }
        let (config, derived) = try await state.settings()
        return (GCPLogin(role: role, roleName: roleName, derived: derived, config: config, now: clock()), jwt)
    }
}

extension GCPAuthMount: LoginExplaining {
    /// The login's own preparation and decision (lookups only read), unminted.
    package func explainLogin(_ request: MountRequest) async throws -> LoginExplanation {
        let (login, jwt) = try await preparedLogin(request)
        let decision = try await login.decide(jwt: jwt, clientAddress: request.clientAddress, mountPath: request.mountPath)
        return LoginExplanation(decision, method: "gcp", role: login.roleName)
    }
}
