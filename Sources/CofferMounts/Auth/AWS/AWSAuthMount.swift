import CofferEncoding
import CofferMountKit
import Foundation
import NIOCore

/// The AWS auth method, IAM type, for runners on EC2 or anywhere with AWS
/// credentials: the client signs a GetCallerIdentity request and hands it in,
/// Coffer checks it is exactly that, sends it to STS, and STS's answer (the
/// signer's ARN) picks the role (Vault's `auth/aws`).
package struct AWSAuthMount: Mount {
    let storage: StorageView
    /// `Derived` is unused: a login derives nothing from the config worth keeping.
    let records: AuthMountRecords<AWSClientConfig, AWSRole, Never>
    /// The deadline of one STS or IAM call (tests shorten it).
    let callTimeout: TimeAmount

    package init(storage: StorageView) {
        self.init(storage: storage, callTimeout: AWSAPIClient.defaultTimeout)
    }

    init(storage: StorageView, callTimeout: TimeAmount) {
        self.storage = storage
        self.records = AuthMountRecords(storage: storage)
        self.callTimeout = callTimeout
    }

    package static let factory: MountFactory = { context in AWSAuthMount(storage: context.storage) }

    package var unauthenticatedPaths: [PathPattern] { Self.paths.unauthenticatedPatterns }

    package func handle(_ request: MountRequest) async throws -> MountResponse {
        try await Self.paths.handle(request, owner: self)
    }

    package func exists(_ request: MountRequest) async throws -> Bool? {
        try await Self.paths.exists(request, owner: self)
    }

    package func help(_ path: String) -> PathHelp? { Self.paths.help(path) }

    /// The config in force: the stored one, else Vault's defaults.
    func config() async throws -> AWSClientConfig {
        try await records.currentConfig() ?? AWSClientConfig()
    }

    func client(_ config: AWSClientConfig) -> AWSAPIClient {
        AWSAPIClient(retries: config.retries, timeout: callTimeout)
    }

    // MARK: config/client

    func readConfig() async throws -> MountResponse {
        guard let config = try await records.currentConfig() else { throw MountError.notFound }
        return MountResponse(data: config.json)
    }

    func writeConfig(_ request: MountRequest) async throws -> MountResponse {
        var config = try await config()
        try config.update(from: request.fields)
        try await records.replace(config)
        return .noContent
    }

    func deleteConfig() async throws -> MountResponse {
        // Back to the defaults (Vault's STS, no server-ID header, no keys).
        try await records.replace(AWSClientConfig())
        return .noContent
    }

    // MARK: roles

    /// Writes a role; with `resolve_aws_unique_ids`, each exact ARN is first
    /// resolved through IAM to the unique ID the login will compare.
    func writeRole(_ request: MountRequest, name: String) async throws -> MountResponse {
        let existing = try await records.role(name)
        var role = existing ?? AWSRole()
        let warnings = try role.update(from: request.fields, isNew: existing == nil)
        role.boundIAMPrincipalIDs = []
        if role.resolveAWSUniqueIDs, !role.exactARNs.isEmpty {
            let config = try await config()
            let lookup = IAMLookup(config: config, client: client(config))
            for arn in role.exactARNs {
                do throws(AWSAPIClient.Failure) {
                    let principal: IAMPrincipalARN
                    do throws(IAMPrincipalARN.Refusal) {
                        principal = try IAMPrincipalARN(parsing: arn)
                    } catch {
                        throw AWSAPIClient.Failure(description: error.description)
                    }
                    role.boundIAMPrincipalIDs.append(try await lookup.entity(principal).uniqueID)
                } catch {
                    throw MountError.badRequest("unable to resolve ARN \"\(arn)\" to internal ID: \(error.description)")
                }
            }
        }
        try await records.putRole(name, role)
        return MountResponse(warnings: warnings)
    }

    // MARK: login

    func login(_ request: MountRequest) async throws -> MountResponse {
        let login = try await preparedLogin(request)
        let (decision, role) = try await login.decide(
            clientAddress: request.clientAddress, mountPath: request.mountPath, explaining: false)
        var response = MountResponse()
        response.auth = try decision.grantedAuth(method: "aws", role: role)
        return response
    }

    /// The decoded request, config and role, or the refusal Vault gives before
    /// any check runs (a field missing or undecodable, no such role).
    func preparedLogin(_ request: MountRequest) async throws -> AWSLogin {
        let iamRequest = try IAMLoginRequest(request.fields)
        let roleName = (try request.fields.string("role") ?? "").lowercased()
        var namedRole: (name: String, role: AWSRole)?
        if !roleName.isEmpty {
            guard let role = try await records.role(roleName) else {
                throw MountError.badRequest("entry for role \(roleName) not found")
            }
            namedRole = (roleName, role)
        }
        let config = try await config()
        let records = self.records
        return AWSLogin(
            config: config, request: iamRequest, namedRole: namedRole, roleNamed: { try await records.role($0) },
            client: client(config))
    }
}
