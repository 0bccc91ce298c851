import CofferMountKit

/// The `sys/` endpoints: seal and init, health, mount tables.
package struct SystemBackend: CoreBackend {
    let seal: SealManager
    let mounts: MountManager
    let router: MountRouter
    let tokens: TokenStore
    let policies: PolicyStore
    let leases: LeaseStore
    let expiration: ExpirationManager
    let cluster: ClusterStore
    let barrier: SecurityBarrier
    let audit: AuditBroker
    let lockouts: UserLockouts

    /// Paths that answer whether sealed or not, and without a token (spec §3).
    private static let alwaysAvailable: Set<String> = ["health", "seal-status", "leader", "init", "unseal"]

    /// Answers the always-available paths; nil for any other path.
    func handleAlwaysAvailable(_ request: Request) async throws -> Response? {
        guard request.path.hasPrefix("sys/") else { return nil }
        let relative = String(request.path.dropFirst(4))
        guard Self.alwaysAvailable.contains(relative) else { return nil }
        switch (relative, request.operation) {
        case ("health", .read): return try await health(request)
        case ("seal-status", .read): return try await sealStatus()
        case ("leader", .read): return .raw(status: 200, body: [("ha_enabled", false)])
        case ("leader", _): return .error(CoreError(.methodNotAllowed, []))
        case ("init", .read): return .raw(status: 200, body: [("initialized", .bool(try await seal.isInitialized()))])
        case ("init", .write): return try await initialize(request)
        case ("unseal", .write): return try await unseal(request)
        default: throw CoreError.unsupportedOperation
        }
    }

    package func isUnauthenticated(_ relativePath: String, _ operation: Request.Operation) -> Bool {
        // The mount list without a path shows only what the token may see, and
        // nothing without one (spec §4.13); a wrapping token can be looked up by anyone.
        relativePath == "internal/ui/mounts" || relativePath == "wrapping/lookup"
    }

    /// The KV preflight grants access when the token can do anything under the
    /// mount it asks about, not by the path's own rule (spec §4.13).
    package func authorizesItself(_ relativePath: String) -> Bool {
        relativePath.hasPrefix("internal/ui/mounts/")
    }

    package func handle(_ call: BackendCall) async throws -> Response {
        let path = call.relativePath
        let operation = call.request.operation
        switch path {
        case "seal":
            guard operation == .write else { throw CoreError.unsupportedOperation }
            return try await sealNow(call)
        case "mounts", "mounts/":
            return try await listMounts(.secrets, call)
        case "auth", "auth/":
            return try await listMounts(.auth, call)
        case "internal/ui/mounts":
            return try await internalUIMounts(call)
        case "policies/acl", "policies/acl/":
            return try await aclPolicies(call, name: "")
        case "policy", "policy/":
            return try await legacyPolicies(call, name: "")
        case "capabilities-self":
            return try await capabilities(call, of: call.token)
        case "capabilities":
            let id = try RequestFields(call.request.data).string("token") ?? ""
            guard let other = try await tokens.lookup(id) else { throw CoreError.badRequest("invalid token") }
            return try await capabilities(call, of: other)
        case "capabilities-accessor":
            let accessor = try RequestFields(call.request.data).string("accessor") ?? ""
            guard let other = try await tokens.lookup(accessor: accessor) else { throw CoreError.badRequest("invalid accessor") }
            return try await capabilities(call, of: other)
        default:
            break
        }
        if let response = try await keyringEndpoint(call, path) {
            return response
        }
        if path == "audit" || path.hasPrefix("audit/") || path.hasPrefix("audit-hash/") {
            return try await auditEndpoint(call, path)
        }
        if path.hasPrefix("wrapping/") {
            return try await wrappingEndpoint(call, String(path.dropFirst("wrapping/".count)))
        }
        if path == "locked-users" || path.hasPrefix("locked-users/"),
           let response = try await lockedUsersEndpoint(call, String(decoding: path.utf8.dropFirst("locked-users".utf8.count).drop { $0 == UInt8(ascii: "/") }, as: UTF8.self)) {
            return response
        }
        if path.hasPrefix("leases/") {
            return try await leaseEndpoint(call, String(path.dropFirst("leases/".count)))
        }
        if path.hasPrefix("policies/acl/") {
            return try await aclPolicies(call, name: String(path.dropFirst("policies/acl/".count)))
        }
        if path.hasPrefix("policy/") {
            return try await legacyPolicies(call, name: String(path.dropFirst("policy/".count)))
        }
        if path.hasPrefix("internal/ui/mounts/") {
            return try await internalUIMount(call, path: String(path.dropFirst("internal/ui/mounts/".count)))
        }
        for (prefix, table) in [("mounts/", MountEntry.Table.secrets), ("auth/", .auth)] where path.hasPrefix(prefix) {
            let rest = String(path.dropFirst(prefix.count))
            if rest.hasSuffix("/tune") {
                return try await tune(table, String(rest.dropLast(5)).withTrailingSlash, call)
            }
            return try await mountEntry(table, rest.withTrailingSlash, call)
        }
        throw CoreError.unsupportedPath
    }
}
