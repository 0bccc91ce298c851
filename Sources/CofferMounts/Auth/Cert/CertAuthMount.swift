import CofferEncoding
import CofferMountKit
import Foundation

/// TLS certificate auth: a client logs in with the certificate it presented on
/// its TLS connection, and gets the token of the first role whose CA (or
/// pinned leaf) and constraints it satisfies (spec/vault-api.md §9).
///
/// Layout, as OpenBao's: `cert/<name>` (roles), `config`, `crls/<name>`.
package struct CertAuthMount: Mount {
    let storage: StorageView
    let clock: @Sendable () -> Date
    /// Asks OCSP responders; the tests give it a short timeout.
    let ocsp: OCSPChecker
    /// Parsed roles and revoked serials between logins.
    let state = CertMountState()

    package init(storage: StorageView, clock: @escaping @Sendable () -> Date = Date.init, ocsp: OCSPChecker = OCSPChecker()) {
        self.storage = storage
        self.clock = clock
        self.ocsp = ocsp
    }

    package static let factory: MountFactory = { context in CertAuthMount(storage: context.storage, clock: context.clock) }

    package var unauthenticatedPaths: [PathPattern] { Self.paths.unauthenticatedPatterns }

    package func handle(_ request: MountRequest) async throws -> MountResponse {
        try await Self.paths.handle(request, owner: self)
    }

    package func exists(_ request: MountRequest) async throws -> Bool? {
        try await Self.paths.exists(request, owner: self)
    }

    package func help(_ path: String) -> PathHelp? { Self.paths.help(path) }

    func loadRole(_ name: String) async throws -> CertRole? {
        try await storage.getJSON(CertRole.self, "cert/" + name.lowercased())
    }

    func loadConfig() async throws -> CertAuthConfig {
        try await storage.getJSON(CertAuthConfig.self, "config") ?? CertAuthConfig()
    }

    // MARK: roles

    func listRoles() async throws -> MountResponse {
        let names = try await storage.list("cert/").filter { !$0.hasSuffix("/") }
        guard !names.isEmpty else { throw MountError.notFound }
        return MountResponse(data: ["keys": JSONValue(names)])
    }

    func readRole(_ name: String) async throws -> MountResponse {
        guard let role = try await loadRole(name) else { throw MountError.notFound }
        return MountResponse(data: role.json)
    }

    /// Checked whole before anything is stored: a refused write leaves the role as it was.
    func writeRole(_ request: MountRequest, _ name: String) async throws -> MountResponse {
        var role = try await loadRole(name) ?? CertRole()
        try role.update(from: request.fields, name: name.lowercased())
        try await storage.putJSON("cert/" + name.lowercased(), role)
        state.forget()
        guard role.ocspCACertificates.isEmpty else {
            // Stored for OpenBao compatibility, but swift-certificates' OCSP check
            // trusts only responses signed by the certificate's issuer or by a
            // responder it delegated to: say so rather than ignore it silently.
            return MountResponse(warnings: [
                "ocsp_ca_certificates is stored but not used: OCSP responses must be signed by the certificate's issuer or by a responder certificate that issuer signed"
            ])
        }
        return .noContent
    }

    func deleteRole(_ name: String) async throws -> MountResponse {
        try await storage.delete("cert/" + name.lowercased())
        state.forget()
        return .noContent
    }

    // MARK: config

    func readConfig() async throws -> MountResponse {
        MountResponse(data: try await loadConfig().json)
    }

    func writeConfig(_ request: MountRequest) async throws -> MountResponse {
        var config = try await loadConfig()
        try config.update(from: request.fields)
        try await storage.putJSON("config", config)
        return .noContent
    }
}
