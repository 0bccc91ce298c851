import CofferMountKit
import Foundation

extension AppRoleMount {
    /// `auth/approle/login`: role ID and secret ID in, a token description out.
    /// The secret ID's use is spent under its lock before the answer is given.
    func login(_ request: MountRequest) async throws -> MountResponse {
        guard request.operation == .create || request.operation == .update else { throw MountError.unsupportedOperation }
        guard let roleID = try request.fields.string("role_id"), !roleID.isEmpty else { throw MountError.internal("missing role_id") }
        let invalid = MountError.badRequest("invalid role or secret ID")
        guard let nameData = try await storage.get("role-id/" + roleID) else { throw invalid }
        let name = String(decoding: nameData, as: UTF8.self)
        guard let role = try await loadRole(name) else { throw invalid }

        if !role.secretIDBoundCIDRs.isEmpty, !CIDRBlock.anyContains(role.secretIDBoundCIDRs, request.clientAddress) {
            throw MountError.badRequest("source address \"\(request.clientAddress ?? "")\" unauthorized by CIDR restrictions on the role: %!w(<nil>)")
        }
        var metadata: [String: String] = [:]
        var tokenCIDRs = role.token.boundCIDRs
        if role.bindSecretID {
            guard let secret = try request.fields.string("secret_id"), !secret.isEmpty else {
                throw MountError.badRequest("missing secret_id")
            }
            let entry = try await spend(secret: secret, role: name, clientAddress: request.clientAddress)
            metadata = entry.metadata
            if !entry.tokenBoundCIDRs.isEmpty { tokenCIDRs = entry.tokenBoundCIDRs }
        }
        var settings = role.token
        settings.boundCIDRs = tokenCIDRs
        metadata["role_name"] = name
        var response = MountResponse()
        response.auth = MountAuth(policies: role.token.policies, displayName: "approle", metadata: metadata,
                                  tokenSettings: settings, aliasName: roleID)
        return response
    }

    /// Checks a secret ID and spends one use of it, atomically: of 50 logins racing
    /// on a single-use secret ID, exactly one gets through.
    private func spend(secret: String, role name: String, clientAddress: String?) async throws -> AppRoleSecretID {
        let key = Self.hash(secret)
        let path = "secret-id/\(name)/\(key)"
        return try await locks.withLock(key) {
            let invalid = MountError.badRequest("invalid role or secret ID")
            // An unknown secret ID for a real role is a guess: user lockout counts it
            // (OpenBao's approle returns ErrInvalidCredentials here and only here).
            guard let entry = try await storage.getJSON(AppRoleSecretID.self, path) else {
                throw MountError.invalidCredentials("invalid role or secret ID")
            }
            let now = clock()
            if let expires = entry.expires, expires <= now {
                try await storage.apply([.delete(path), .delete("accessor/\(name)/\(entry.accessor)")])
                throw invalid
            }
            if !entry.cidrList.isEmpty, !CIDRBlock.anyContains(entry.cidrList, clientAddress) {
                throw MountError.badRequest("source address \"\(clientAddress ?? "")\" unauthorized through CIDR restrictions on the secret ID")
            }
            if entry.numUses == 1 {
                try await storage.apply([.delete(path), .delete("accessor/\(name)/\(entry.accessor)")])
            } else if entry.numUses > 1 {
                var spent = entry
                spent.numUses -= 1
                spent.lastUpdated = now
                try await storage.putJSON(path, spent)
            }
            return entry
        }
    }
}
