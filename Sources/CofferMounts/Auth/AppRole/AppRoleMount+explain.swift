import CofferMountKit

extension AppRoleMount: LoginExplaining {
    /// The login's own decision, run without spending: the secret ID keeps its
    /// uses, an expired one is not deleted, and (the core's side) no failure is
    /// counted towards user lockout.
    package func explainLogin(_ request: MountRequest) async throws -> LoginExplanation {
        let decision = try await decideLogin(request, spending: false)
        var role = decision.auth?.metadata["role_name"] ?? ""
        // Refused after the role ID matched: name the role it belongs to. The
        // role ID itself is never shown (it is half a credential).
        if role.isEmpty, let roleID = try request.fields.string("role_id"), !roleID.isEmpty,
            let name = try await storage.get("role-id/" + roleID)
        {
            role = String(decoding: name, as: UTF8.self)
        }
        return LoginExplanation(decision, method: "approle", role: role)
    }
}
