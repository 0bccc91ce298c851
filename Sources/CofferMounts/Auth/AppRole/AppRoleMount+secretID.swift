import CofferEncoding
import CofferMountKit
import Foundation

extension AppRoleMount {
    /// `role/<name>/secret-id` LIST: the accessors of the role's secret IDs.
    func listSecretIDAccessors(_ name: String) async throws -> MountResponse {
        let accessors = try await storage.list("accessor/\(name)/")
        guard !accessors.isEmpty else { throw MountError.notFound }
        return MountResponse(data: ["keys": JSONValue(accessors)])
    }

    /// Makes a secret ID (or stores the caller's, for `custom-secret-id`).
    func generate(_ request: MountRequest, _ name: String, custom: Bool) async throws -> MountResponse {
        guard let role = try await loadRole(name) else { throw MountError.badRequest("role \"\(name)\" does not exist") }
        let fields = request.fields
        let secret: String
        if custom {
            guard let given = try fields.string("secret_id"), !given.isEmpty else { throw MountError.badRequest("missing secret_id") }
            secret = given
        } else {
            secret = UUID().uuidString.lowercased()
        }
        let cidrs = try fields.stringList("cidr_list") ?? []
        let tokenCIDRs = try fields.stringList("token_bound_cidrs") ?? []
        // A secret ID may narrow the role's bindings, never widen them (OpenBao's
        // `handleRoleSecretIDCommon`, with its order, texts and 500s).
        try Self.checkCIDRs(cidrs, token: false)
        try Self.checkSubset(cidrs, of: role.secretIDBoundCIDRs)
        try Self.checkCIDRs(tokenCIDRs, token: true)
        try Self.checkSubset(tokenCIDRs, of: role.token.boundCIDRs)
        let metadata: [String: String]
        do {
            metadata = try (fields.map("metadata") ?? [:]).compactMapValues(\.stringValue)
        } catch {
            throw MountError.badRequest("failed to parse metadata: metadata must be a JSON object of strings")
        }
        let numUses = try fields.int("num_uses") ?? role.secretIDNumUses
        guard numUses >= 0 else { throw MountError.badRequest("num_uses cannot be negative") }
        // 0 means unlimited: never more than a role that sets a limit allows.
        if role.secretIDNumUses > 0, numUses == 0 || numUses > role.secretIDNumUses {
            throw MountError.badRequest("num_uses cannot be higher than the role's secret_id_num_uses")
        }
        let ttl = try fields.duration("ttl") ?? role.secretIDTTL
        if role.secretIDTTL > 0, ttl <= 0 || ttl > role.secretIDTTL {
            throw MountError.badRequest("ttl cannot be longer than the role's secret_id_ttl")
        }
        let now = clock()
        let entry = AppRoleSecretID(
            accessor: UUID().uuidString.lowercased(), roleName: name, created: now,
            expires: ttl > 0 ? now.addingTimeInterval(TimeInterval(ttl)) : nil, lastUpdated: now,
            numUses: numUses, ttl: ttl, cidrList: cidrs, tokenBoundCIDRs: tokenCIDRs, metadata: metadata
        )
        let key = Self.hash(secret)
        guard try await storage.get("secret-id/\(name)/\(key)") == nil else {
            throw MountError.badRequest("secret_id is already registered")
        }
        try await storage.apply([
            .put("secret-id/\(name)/\(key)", try JSONEncoder().encode(entry)),
            .put("accessor/\(name)/\(entry.accessor)", Data(key.utf8)),
        ])
        return MountResponse(data: [
            "secret_id": .string(secret), "secret_id_accessor": .string(entry.accessor),
            "secret_id_num_uses": .int(numUses), "secret_id_ttl": .int(ttl),
        ])
    }

    /// `secret-id/lookup|destroy` by value, `secret-id-accessor/lookup|destroy` by accessor.
    func secretIDAction(_ request: MountRequest, _ name: String, action: String) async throws -> MountResponse {
        let key: String?
        if action.hasPrefix("secret-id-accessor") {
            guard let accessor = try request.fields.string("secret_id_accessor"), !accessor.isEmpty else {
                throw MountError.badRequest("missing secret_id_accessor")
            }
            key = try await storage.get("accessor/\(name)/\(accessor)").map { String(decoding: $0, as: UTF8.self) }
            if key == nil, action.hasSuffix("lookup") {
                throw MountError.badRequest("failed to find accessor entry for secret_id_accessor: \"\(accessor)\"")
            }
        } else {
            guard let secret = try request.fields.string("secret_id"), !secret.isEmpty else {
                throw MountError.badRequest("missing secret_id")
            }
            key = Self.hash(secret)
        }
        guard let key, let entry = try await storage.getJSON(AppRoleSecretID.self, "secret-id/\(name)/\(key)") else {
            return .noContent
        }
        if action.hasSuffix("destroy") {
            try await locks.withLock(key) {
                try await storage.apply([.delete("secret-id/\(name)/\(key)"), .delete("accessor/\(name)/\(entry.accessor)")])
            }
            return .noContent
        }
        return MountResponse(data: entry.json())
    }

    /// Secret-ID lists must be CIDR blocks (`10.0.0.0/8`; a bare address is refused, as in OpenBao).
    static func checkCIDRs(_ list: [String], token: Bool) throws {
        for cidr in list where !cidr.contains("/") || CIDRBlock(cidr) == nil {
            throw MountError.internal(
                "1 error occurred:\n\t* failed to validate \(token ? "token " : "")CIDR blocks: invalid CIDR address: \(cidr)\n\n")
        }
    }

    /// Every block of `list` must lie inside one of the role's (none on the role: anything goes).
    static func checkSubset(_ list: [String], of roleList: [String]) throws {
        guard !list.isEmpty, !roleList.isEmpty else { return }
        let roleBlocks = roleList.compactMap(CIDRBlock.init)
        let inside = list.allSatisfy { cidr in
            guard let block = CIDRBlock(cidr) else { return false }
            return roleBlocks.contains { $0.contains(block) }
        }
        guard !inside else { return }
        // OpenBao prints both lists with Go's %q, the role's with `/32` on bare addresses.
        let shownRole = roleList.map { $0.contains("/") ? $0 : $0 + "/32" }
        throw MountError.internal(
            "1 error occurred:\n\t* failed to verify subset relationship between CIDR blocks on the role \(goQuoted(shownRole)) "
                + "and CIDR blocks on the secret ID \(goQuoted(list)): %!w(<nil>)\n\n"
        )
    }

    private static func goQuoted(_ list: [String]) -> String {
        "["
            + list.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: " ") + "]"
    }
}
