import CofferMountKit
import Foundation

extension AppRoleMount {
    /// `auth/approle/login`: role ID and secret ID in, a token description out.
    func login(_ request: MountRequest) async throws -> MountResponse {
        guard request.operation == .create || request.operation == .update else { throw MountError.unsupportedOperation }
        var response = MountResponse()
        let decision = try await decideLogin(request, explaining: false)
        // The role is named by the role_id check's report; the summary needs no more.
        response.auth = try decision.grantedAuth(method: "approle", role: "")
        return response
    }

    /// Every check of an AppRole login, in OpenBao's order, stopping at the first
    /// that fails. With `spending` (a login), the secret ID's use is spent, under
    /// its lock, when its checks pass; without (an explanation) nothing is
    /// written. Throws only what is no decision (storage, field types).
    /// `explaining`: keep the passed checks too (see `LoginDecision.Builder`).
    func decideLogin(
        _ request: MountRequest, spending: Bool = true, explaining: Bool = true
    ) async throws -> LoginDecision<AppRoleLoginFailure> {
        try await .run(explaining: explaining) { log in
            let roleID = try request.fields.string("role_id") ?? ""
            if roleID.isEmpty { try log.fail("role_id", expected: "a role ID", actual: "missing", .missingRoleID) }
            // The role ID is a credential half: reported by the role it names, never shown.
            let known = "the role ID of a role"
            guard let nameData = try await storage.get("role-id/" + roleID) else {
                try log.fail("role_id", expected: known, actual: "does not match", .unknownRoleID)
            }
            let name = String(decoding: nameData, as: UTF8.self)
            guard let role = try await loadRole(name) else {
                try log.fail("role_id", expected: known, actual: "matches role \"\(name)\", which is gone", .unknownRoleID)
            }
            log.pass("role_id", expected: known, actual: "matches role \"\(name)\"")
            let address = request.clientAddress ?? ""
            if role.secretIDBoundCIDRs.isEmpty {
                log.skip("secret_id_bound_cidrs")
            } else {
                let expected = "an address in \(role.secretIDBoundCIDRs.joined(separator: ", "))"
                if !CIDRBlock.anyContains(role.secretIDBoundCIDRs, request.clientAddress) {
                    try log.fail("secret_id_bound_cidrs", expected: expected, actual: address, .roleCIDRs(address: address))
                }
                log.pass("secret_id_bound_cidrs", expected: expected, actual: address)
            }
            var metadata: [String: String] = [:]
            var settings = role.token
            var cidrSource = "role"
            if role.bindSecretID {
                guard let secret = try request.fields.string("secret_id"), !secret.isEmpty else {
                    try log.fail("secret_id", expected: "a secret ID", actual: "missing", .missingSecretID)
                }
                let entry = try await spend(
                    secret: secret, role: name, clientAddress: request.clientAddress, spending: spending, into: &log)
                metadata = entry.metadata
                if !entry.tokenBoundCIDRs.isEmpty {
                    settings.boundCIDRs = entry.tokenBoundCIDRs
                    cidrSource = "secret ID"
                }
            } else {
                log.skip("secret_id", expected: "none (bind_secret_id is false)")
            }
            recordTokenCIDRs(settings.boundCIDRs, from: cidrSource, &log)
            metadata["role_name"] = name
            return MountAuth(
                policies: role.token.policies, displayName: "approle", metadata: metadata,
                // The alias carries the token's metadata (role name, secret ID metadata), as OpenBao's.
                tokenSettings: settings, aliasName: roleID, aliasMetadata: metadata)
        }
    }

    /// Which networks the token will be bound to: the secret ID's
    /// `token_bound_cidrs` replace the role's.
    private func recordTokenCIDRs(_ cidrs: [String], from source: String, _ log: inout LoginDecision<AppRoleLoginFailure>.Builder) {
        guard !cidrs.isEmpty else { return log.skip("token_bound_cidrs", expected: "none on the role or the secret ID") }
        log.pass(
            "token_bound_cidrs", expected: "the secret ID's, else the role's",
            actual: "\(cidrs.joined(separator: ", ")) from the \(source)")
    }
}
