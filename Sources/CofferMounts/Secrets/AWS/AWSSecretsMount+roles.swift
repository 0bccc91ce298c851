import CofferEncoding
import CofferMountKit

extension AWSSecretsMount {
    func readRole(_ name: String) async throws -> MountResponse {
        guard let role = try await loadRole(name) else { throw MountError.notFound }
        return MountResponse(data: role.json)
    }

    /// Stores a role once the whole of it passes the checks; nothing is sent to AWS.
    func writeRole(_ request: MountRequest, _ name: String) async throws -> MountResponse {
        let existing = try await loadRole(name)
        var role = existing ?? AWSSecretsRole()
        try role.update(from: request.fields, creating: existing == nil)
        try await storage.putJSON("role/" + name, role)
        return .noContent
    }

    /// Deleting a role strands no user: each lease carries the user's name.
    func deleteRole(_ name: String) async throws -> MountResponse {
        try await storage.delete("role/" + name)
        return .noContent
    }

    /// Role names, a 404 when there are none (Vault's empty LIST).
    func listRoles() async throws -> MountResponse {
        let names = try await storage.list("role/").filter { !$0.hasSuffix("/") }
        guard !names.isEmpty else { throw MountError.notFound }
        return MountResponse(data: ["keys": JSONValue(names)])
    }
}
