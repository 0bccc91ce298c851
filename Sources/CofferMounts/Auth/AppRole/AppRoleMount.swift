import CofferMountKit
import Crypto
import Foundation

/// AppRole: a machine logs in with a role ID and a secret ID, typically a
/// response-wrapped, single-use one handed to an air-gapped runner (spec §7).
///
/// Layout: `role/<name>`, `role-id/<role id>` (-> name), `secret-id/<name>/<sha256(secret id)>`,
/// `accessor/<name>/<accessor>` (-> hash). Use counts change under a per-secret
/// lock, so a single-use secret ID logs in exactly once however many race.
package struct AppRoleMount: Mount {
    let storage: StorageView
    let locks = KeyedLock()
    let clock: @Sendable () -> Date

    package init(storage: StorageView, clock: @escaping @Sendable () -> Date = Date.init) {
        self.storage = storage
        self.clock = clock
    }

    package static let factory: MountFactory = { context in AppRoleMount(storage: context.storage) }

    /// Parsed once: the pipeline asks on every request to the mount.
    private static let loginOnly = [PathPattern("login")]

    package var unauthenticatedPaths: [PathPattern] { Self.loginOnly }

    package func handle(_ request: MountRequest) async throws -> MountResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if request.path == "login" { return try await login(request) }
        guard parts.first == "role" else { throw MountError.unsupportedPath }
        if parts.count == 1 || (parts.count == 2 && parts[1].isEmpty) {
            guard request.operation == .list else { throw MountError.unsupportedOperation }
            let names = try await storage.list("role/").filter { !$0.hasSuffix("/") }
            guard !names.isEmpty else { throw MountError.notFound }
            return MountResponse(data: ["keys": JSONValue(names)])
        }
        let name = parts[1].lowercased()
        let rest = parts.dropFirst(2).joined(separator: "/")
        switch rest {
        case "": return try await role(request, name)
        case "role-id": return try await roleID(request, name)
        case "secret-id", "secret-id/": return try await secretID(request, name)
        case "custom-secret-id": return try await generate(request, name, custom: true)
        case "secret-id/lookup", "secret-id/destroy", "secret-id-accessor/lookup", "secret-id-accessor/destroy":
            return try await secretIDAction(request, name, action: rest)
        default:
            return try await roleField(request, name, field: rest)
        }
    }

    package func exists(_ request: MountRequest) async throws -> Bool? {
        let parts = request.path.split(separator: "/")
        guard parts.count == 2, parts[0] == "role" else { return nil }
        return try await storage.get("role/" + parts[1].lowercased()) != nil
    }

    func loadRole(_ name: String) async throws -> AppRoleRole? {
        try await storage.getJSON(AppRoleRole.self, "role/" + name)
    }

    static func hash(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }

    // MARK: roles

    private func role(_ request: MountRequest, _ name: String) async throws -> MountResponse {
        switch request.operation {
        case .read:
            guard let role = try await loadRole(name) else { throw MountError.notFound }
            return MountResponse(data: role.json)
        case .create, .update:
            let existing = try await loadRole(name)
            var role = existing ?? AppRoleRole(roleID: UUID().uuidString.lowercased())
            try role.update(from: request.fields)
            var writes: [StorageWrite] = [.put("role/" + name, try JSONEncoder().encode(role))]
            if existing == nil { writes.append(.put("role-id/" + role.roleID, Data(name.utf8))) }
            try await storage.apply(writes)
            return .noContent
        case .delete:
            guard let role = try await loadRole(name) else { return .noContent }
            try await storage.apply([.delete("role/" + name), .delete("role-id/" + role.roleID)])
            try await storage.deleteAll(under: "secret-id/\(name)/")
            try await storage.deleteAll(under: "accessor/\(name)/")
            return .noContent
        default:
            throw MountError.unsupportedOperation
        }
    }

    /// `role/<name>/<field>`: one field of the role, read or written alone.
    private func roleField(_ request: MountRequest, _ name: String, field: String) async throws -> MountResponse {
        let fieldNames = [
            "policies": "token_policies", "secret-id-num-uses": "secret_id_num_uses", "secret-id-ttl": "secret_id_ttl",
            "token-ttl": "token_ttl", "token-max-ttl": "token_max_ttl", "secret-id-bound-cidrs": "secret_id_bound_cidrs",
            "token-bound-cidrs": "token_bound_cidrs", "period": "token_period", "token-num-uses": "token_num_uses",
        ]
        guard let key = fieldNames[field] else { throw MountError.unsupportedPath }
        guard var role = try await loadRole(name) else { throw MountError.notFound }
        switch request.operation {
        case .read:
            var data: [String: JSONValue] = [key: role.json[key] ?? .null]
            if field == "policies" { data["policies"] = data[key] }
            return MountResponse(data: data)
        case .create, .update:
            var raw = request.fields.raw
            if let value = raw[key] ?? raw[field.replacingOccurrences(of: "-", with: "_")] { raw = [key: value] }
            try role.update(from: RequestFields(raw))
            try await storage.putJSON("role/" + name, role)
            return .noContent
        default:
            throw MountError.unsupportedOperation
        }
    }

    private func roleID(_ request: MountRequest, _ name: String) async throws -> MountResponse {
        guard var role = try await loadRole(name) else { throw MountError.notFound }
        switch request.operation {
        case .read:
            return MountResponse(data: ["role_id": .string(role.roleID)])
        case .create, .update:
            guard let newID = try request.fields.string("role_id"), !newID.isEmpty else { throw MountError.badRequest("missing role_id") }
            if let owner = try await storage.get("role-id/" + newID), String(decoding: owner, as: UTF8.self) != name {
                throw MountError.badRequest("role_id already in use")
            }
            let old = role.roleID
            role.roleID = newID
            try await storage.apply([.delete("role-id/" + old), .put("role-id/" + newID, Data(name.utf8)), .put("role/" + name, try JSONEncoder().encode(role))])
            return .noContent
        default:
            throw MountError.unsupportedOperation
        }
    }
}
