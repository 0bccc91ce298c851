import CofferEncoding
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

    package static let factory: MountFactory = { context in AppRoleMount(storage: context.storage, clock: context.clock) }

    package var unauthenticatedPaths: [PathPattern] { Self.paths.unauthenticatedPatterns }

    package func handle(_ request: MountRequest) async throws -> MountResponse {
        try await Self.paths.handle(request, owner: self)
    }

    package func exists(_ request: MountRequest) async throws -> Bool? {
        try await Self.paths.exists(request, owner: self)
    }

    package func help(_ path: String) -> PathHelp? { Self.paths.help(path) }

    func loadRole(_ name: String) async throws -> AppRoleRole? {
        try await storage.getJSON(AppRoleRole.self, "role/" + name)
    }

    static func hash(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }

    // MARK: roles

    func listRoles() async throws -> MountResponse {
        let names = try await storage.list("role/").filter { !$0.hasSuffix("/") }
        guard !names.isEmpty else { throw MountError.notFound }
        return MountResponse(data: ["keys": JSONValue(names)])
    }

    func readRole(_ name: String) async throws -> MountResponse {
        guard let role = try await loadRole(name) else { throw MountError.notFound }
        return MountResponse(data: role.json)
    }

    func writeRole(_ request: MountRequest, _ name: String) async throws -> MountResponse {
        let existing = try await loadRole(name)
        var role = existing ?? AppRoleRole(roleID: UUID().uuidString.lowercased())
        try role.update(from: request.fields)
        var writes: [StorageWrite] = [.put("role/" + name, try JSONEncoder().encode(role))]
        if existing == nil { writes.append(.put("role-id/" + role.roleID, Data(name.utf8))) }
        try await storage.apply(writes)
        return .noContent
    }

    func deleteRole(_ name: String) async throws -> MountResponse {
        guard let role = try await loadRole(name) else { return .noContent }
        try await storage.apply([.delete("role/" + name), .delete("role-id/" + role.roleID)])
        try await storage.deleteAll(under: "secret-id/\(name)/")
        try await storage.deleteAll(under: "accessor/\(name)/")
        return .noContent
    }

    /// `role/<name>/<alias>`: one field of the role (`key`, as the role stores it).
    func readRoleField(_ name: String, key: String, alias: String) async throws -> MountResponse {
        guard let role = try await loadRole(name) else { throw MountError.notFound }
        var data: [String: JSONValue] = [key: role.json[key] ?? .null]
        if alias == "policies" { data["policies"] = data[key] }
        return MountResponse(data: data)
    }

    /// Sets one field; the value may come under the role's name for it or the
    /// path's (`secret_id_ttl` or `secret-id-ttl` with dashes made underscores).
    func writeRoleField(_ request: MountRequest, _ name: String, key: String, alias: String) async throws -> MountResponse {
        guard var role = try await loadRole(name) else { throw MountError.notFound }
        var raw = request.fields.raw
        if let value = raw[key] ?? raw[alias.replacingOccurrences(of: "-", with: "_")] { raw = [key: value] }
        do {
            try role.update(from: RequestFields(raw))
        } catch let error as MountError where error.code == .internal {
            // OpenBao's one-field paths refuse a bad value with a 400 where its role
            // write answers 500 (`role/x/secret-id-bound-cidrs` with a bad CIDR block).
            throw MountError(.badRequest, error.messages)
        }
        try await storage.putJSON("role/" + name, role)
        return .noContent
    }

    func readRoleID(_ name: String) async throws -> MountResponse {
        guard let role = try await loadRole(name) else { throw MountError.notFound }
        return MountResponse(data: ["role_id": .string(role.roleID)])
    }

    func writeRoleID(_ request: MountRequest, _ name: String) async throws -> MountResponse {
        guard var role = try await loadRole(name) else { throw MountError.notFound }
        guard let newID = try request.fields.string("role_id"), !newID.isEmpty else { throw MountError.badRequest("missing role_id") }
        if let owner = try await storage.get("role-id/" + newID), String(decoding: owner, as: UTF8.self) != name {
            throw MountError.badRequest("role_id already in use")
        }
        let old = role.roleID
        role.roleID = newID
        try await storage.apply([
            .delete("role-id/" + old), .put("role-id/" + newID, Data(name.utf8)), .put("role/" + name, try JSONEncoder().encode(role)),
        ])
        return .noContent
    }
}
