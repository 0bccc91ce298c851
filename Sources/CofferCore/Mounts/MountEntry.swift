import CofferMountKit

/// One row of a mount table: a secrets engine at `secret/` or an auth method at `jwt/`.
package struct MountEntry: Codable, Sendable, Equatable {
    package enum Table: String, Codable, Sendable {
        case secrets, auth

        /// Where the table lives behind the barrier.
        var storagePath: String { self == .secrets ? "core/mounts" : "core/auth" }
        /// The logical path prefix of every mount in the table.
        var routePrefix: String { self == .secrets ? "" : "auth/" }
        /// Where each mount's own storage view begins.
        var viewPrefix: String { self == .secrets ? "logical/" : "auth/" }
    }

    package var table: Table
    /// The mount's path with a trailing slash, relative to its table (`secret/`, `jwt/`).
    package var path: String
    package var type: String
    package var description: String
    package var accessor: String
    package var uuid: String
    /// nil for the built-in mounts (the API shows `null`), `{}` for a plain `kv`.
    package var options: [String: String]?
    package var config: MountConfig
    package var local: Bool
    package var sealWrap: Bool
    package var externalEntropyAccess: Bool

    /// The full logical prefix requests use (`secret/`, `auth/jwt/`).
    package var routePath: String { table.routePrefix + path }
    /// The prefix of this mount's storage view.
    package var viewPath: String { table.viewPrefix + uuid + "/" }

    /// System, identity, cubbyhole and token are part of the core, not plugins.
    package var isBuiltIn: Bool { ["system", "identity", "cubbyhole", "token"].contains(type) }
}

/// A mount's tunable settings; TTLs in seconds, 0 meaning the system default.
package struct MountConfig: Codable, Sendable, Equatable {
    package var defaultLeaseTTL: Int64 = 0
    package var maxLeaseTTL: Int64 = 0
    package var forceNoCache = false
    package var passthroughRequestHeaders: [String]? = nil
    package var tokenType: String? = nil
    /// `user_lockout_config` from tune (auth methods with lockout only).
    package var userLockout: UserLockoutSettings? = nil

    package init() {}
}

extension MountEntry {
    /// A new entry with a fresh uuid and accessor (`kv_1a2b3c4d`, `auth_jwt_1a2b3c4d`).
    package static func newSecrets(path: String, type: String, description: String = "", options: [String: String]? = [:]) -> MountEntry {
        make(.secrets, path: path, type: type, description: description, options: options)
    }

    package static func make(_ table: Table, path: String, type: String, description: String, options: [String: String]?) -> MountEntry {
        let accessorType = table == .auth ? "auth_\(type)" : type
        var config = MountConfig()
        if table == .auth { config.tokenType = "default-service" }
        return MountEntry(
            table: table, path: path, type: type, description: description,
            accessor: "\(accessorType)_\(UUIDs.hex(bytes: 4))", uuid: UUIDs.make(), options: options,
            config: config, local: false, sealWrap: false, externalEntropyAccess: false
        )
    }
}
