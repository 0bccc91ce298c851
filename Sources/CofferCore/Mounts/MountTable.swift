import CofferMountKit
import Foundation

/// Reads and writes the two mount tables behind the barrier.
struct MountTableStore: Sendable {
    let barrier: SecurityBarrier

    func load(_ table: MountEntry.Table) async throws -> [MountEntry]? {
        guard let data = try await barrier.get(table.storagePath) else { return nil }
        return try JSONDecoder().decode([MountEntry].self, from: data)
    }

    func save(_ entries: [MountEntry], _ table: MountEntry.Table) async throws {
        try await barrier.put(table.storagePath, try JSONEncoder().encode(entries))
    }

    /// The mounts every server starts with (spec/vault-api.md §4.1, `fresh-mounts`).
    static func defaults(_ table: MountEntry.Table) -> [MountEntry] {
        switch table {
        case .secrets:
            var sys = builtIn(.secrets, "sys/", "system", "system endpoints used for control, policy and debugging", accessorType: "system")
            sys.sealWrap = true
            sys.config.passthroughRequestHeaders = ["Accept"]
            var identity = builtIn(.secrets, "identity/", "identity", "identity store", accessorType: "identity")
            identity.config.passthroughRequestHeaders = ["Authorization"]
            var cubbyhole = builtIn(.secrets, "cubbyhole/", "cubbyhole", "per-token private secret storage", accessorType: "cubbyhole")
            cubbyhole.local = true
            return [cubbyhole, identity, sys]
        case .auth:
            var token = builtIn(.auth, "token/", "token", "token based credentials", accessorType: "auth_token")
            token.config.tokenType = "default-service"
            return [token]
        }
    }

    private static func builtIn(_ table: MountEntry.Table, _ path: String, _ type: String, _ description: String, accessorType: String)
        -> MountEntry
    {
        MountEntry(
            table: table, path: path, type: type, description: description,
            accessor: "\(accessorType)_\(UUIDs.hex(bytes: 4))", uuid: UUIDs.make(), options: nil,
            config: MountConfig(), local: false, sealWrap: false, externalEntropyAccess: false
        )
    }
}
