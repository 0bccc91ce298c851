import CofferEncoding
import CofferMountKit
import Foundation

extension DatabaseMount {
    func readRole(_ name: String) async throws -> MountResponse {
        guard let role = try await loadRole(name) else { throw MountError.notFound }
        return MountResponse(data: role.json)
    }

    /// Stores a role as sent; its statements first run when a credential is made.
    func writeRole(_ request: MountRequest, _ name: String) async throws -> MountResponse {
        if try await loadStaticRole(name) != nil { throw MountError.badRequest("Role and Static Role names must be unique") }
        let existing = try await loadRole(name)
        var role = existing ?? DatabaseRole()
        try role.update(from: request.fields, creating: existing == nil)
        try await storage.putJSON("role/" + name, role)
        return .noContent
    }

    /// Deleting a role strands no user: each lease carries what revokes it.
    func deleteRole(_ name: String) async throws -> MountResponse {
        try await storage.delete("role/" + name)
        return .noContent
    }
}
