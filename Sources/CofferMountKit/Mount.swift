import Foundation

/// The contract between the core and every mount (auth method or secrets engine).
///
/// A mount sees only its own storage view and returns descriptions (of data, of a
/// token to mint); only the core mints tokens, tracks leases and writes the answer.
package protocol Mount: Sendable {
    /// Handles one request whose path is relative to the mount.
    func handle(_ request: MountRequest) async throws -> MountResponse

    /// Whether something already exists at the request's path, so that the ACL can
    /// tell `create` from `update`; nil when the mount does not distinguish them.
    func exists(_ request: MountRequest) async throws -> Bool?

    /// Relative path patterns that need no token (login endpoints).
    var unauthenticatedPaths: [PathPattern] { get }

    /// What `GET <path>?help=1` shows for the request's path; nil when the mount
    /// has no table to tell it from.
    func help(_ path: String) -> PathHelp?

    /// Undoes a leased secret when its lease ends (drops a database user, say).
    func revoke(_ lease: MountLease, storage: StorageView) async throws

    /// Extends a leased secret to `ttl` seconds from now (a database user's
    /// expiry), before the core records the renewal; a throw refuses it.
    func renew(_ lease: MountLease, ttl: Int64, storage: StorageView) async throws

    /// The user a login request is for (Vault's alias lookahead: the role ID for
    /// AppRole), which user lockout counts failures against; nil when the request is
    /// no login or the method guesses no secret.
    func lockoutAlias(_ request: MountRequest) -> String?
}

extension Mount {
    package func lockoutAlias(_ request: MountRequest) -> String? { nil }
    package func exists(_ request: MountRequest) async throws -> Bool? { nil }
    package var unauthenticatedPaths: [PathPattern] { [] }
    package func help(_ path: String) -> PathHelp? { nil }
    package func revoke(_ lease: MountLease, storage: StorageView) async throws {}
    package func renew(_ lease: MountLease, ttl: Int64, storage: StorageView) async throws {}
}

/// What the core tells a factory when it builds a mount.
package struct MountContext: Sendable {
    package let path: String
    package let type: String
    package let options: [String: String]
    package let storage: StorageView
    /// Whether the mount is enabled as an auth method (under `sys/auth`), for
    /// a type that names both an auth method and a secrets engine (`aws`).
    package let isAuthMethod: Bool
    /// The core's clock: mounts read the time from it, never from `Date()`, so
    /// tests can move it.
    package let clock: @Sendable () -> Date

    package init(
        path: String, type: String, options: [String: String], storage: StorageView, isAuthMethod: Bool = false,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.path = path
        self.type = type
        self.options = options
        self.storage = storage
        self.isAuthMethod = isAuthMethod
        self.clock = clock
    }
}

/// Builds a mount of one type; built-in mounts reach the core this way.
package typealias MountFactory = @Sendable (MountContext) throws -> any Mount
