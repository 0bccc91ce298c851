import CofferMountKit
import Foundation

extension AppRoleMount {
    /// The role ID a login is for, as OpenBao's alias lookahead gives it (trimmed):
    /// user lockout counts failed secret IDs per role ID.
    package func lockoutAlias(_ request: MountRequest) -> String? {
        guard request.path == "login", request.operation == .create || request.operation == .update else { return nil }
        guard let roleID = try? request.fields.string("role_id") else { return nil }
        let trimmed = roleID.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
