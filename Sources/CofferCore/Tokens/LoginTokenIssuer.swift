import CofferEncoding
import CofferMountKit
import Crypto
import Foundation

/// Mints the token a login's `MountAuth` describes (spec/jwt-auth.md §4): an orphan
/// service token with normalized policies and the TTL the role and mount allow.
struct LoginTokenIssuer: Sendable {
    let tokens: TokenStore
    let expiration: ExpirationManager
    let identity: IdentityStore
    /// Asked once the token is written: is the mount that vouched for it still
    /// enabled? Nil: not asked (callers that check otherwise).
    var router: MountRouter? = nil

    /// - Parameter clientAddress: where the login came from; a role with
    ///   `token_strictly_bind_ip` binds the token to it.
    func issue(
        _ auth: MountAuth, mount: MountEntry, path: String, requestID: String, clientAddress: String? = nil
    ) async throws -> LogicalResponse {
        let policies = try Self.normalizedPolicies(auth.policies, noDefault: auth.tokenSettings.noDefaultPolicy)
        let (ttl, warning) = Self.ttl(auth.tokenSettings, mount: mount)

        var request = TokenStore.Request(policies: policies, path: path, displayName: auth.displayName)
        request.ttl = ttl
        request.explicitMaxTTL = auth.tokenSettings.explicitMaxTTL
        request.period = auth.tokenSettings.period
        request.numUses = Int(auth.tokenSettings.numUses)
        request.meta = auth.metadata
        request.boundCIDRs = try Self.boundCIDRs(auth.tokenSettings, clientAddress: clientAddress)
        request.batch = Self.issuesBatch(role: auth.tokenSettings.type, mount: mount.config.tokenType)
        if !auth.aliasName.isEmpty {
            request.entityID =
                try await identity.entityForLogin(
                    accessor: mount.accessor, mountType: mount.type, mountPath: mount.routePath, aliasName: auth.aliasName,
                    metadata: auth.aliasMetadata
                ).id
            // Every login refreshes the entity's external groups of this mount (Vault's behaviour).
            if let groups = auth.groupAliases {
                try await identity.refreshExternalGroups(entityID: request.entityID, accessor: mount.accessor, names: groups)
            }
        }
        let (id, entry) = try await tokens.create(request, alongside: LeaseStore.tokenMarker)
        try await revokeIfUnmounted(entry, mount: mount)
        // A batch token has nothing stored to expire: it stops working by itself.
        if !entry.isBatch { expiration.track(entry) }

        var response = LogicalResponse(requestID: requestID)
        response.auth = AuthBlock.json(
            id: id, entry, now: tokens.clock(), identityPolicies: identity.context(entityID: entry.entityID)?.policies ?? [])
        if let warning { response.warnings = [warning] }
        return response
    }

    /// The networks the token works from: the login's own address under
    /// `token_strictly_bind_ip` (OpenBao's `PopulateTokenAuth`), else the role's list.
    static func boundCIDRs(_ settings: TokenSettings, clientAddress: String?) throws -> [String]? {
        if settings.strictlyBindIP {
            // Fail closed: a token meant for one address is never issued unbound.
            guard let clientAddress, CIDRBlock(clientAddress) != nil else {
                throw CoreError(.internal, "failed to populate auth information: no client address to bind the token to")
            }
            return [clientAddress]
        }
        return settings.boundCIDRs.isEmpty ? nil : settings.boundCIDRs
    }

    /// A login that was in flight while its auth mount was disabled: disabling
    /// unroutes the mount first, then revokes every token issued under its path,
    /// so a token written after that sweep is caught here and revoked at once.
    private func revokeIfUnmounted(_ entry: TokenEntry, mount: MountEntry) async throws {
        guard let router, router.mount(table: mount.table, path: mount.path)?.entry.accessor != mount.accessor else { return }
        // A batch token was never stored: not handing it out is enough.
        if !entry.isBatch { try await tokens.revoke(hash: entry.hash) }
        throw CoreError.badRequest("auth method at \(mount.routePath) was disabled during the login")
    }

    /// Whether a login gets a batch token (OpenBao's `RegisterAuth`): a mount tuned
    /// to `service` or `batch` decides for every role; a `default-` mount (the
    /// default is `default-service`) lets the role choose, and gives its own kind
    /// to a role that says `default`.
    static func issuesBatch(role: String, mount: String?) -> Bool {
        switch mount {
        case "batch": return true
        case "service": return false
        default:
            switch role {
            case TokenEntry.batchType, "default-batch": return true
            case TokenEntry.serviceType, "default-service": return false
            default: return mount == "default-batch"
            }
        }
    }

    /// Trimmed, lowercased, deduplicated, sorted, `default` added unless asked not to.
    static func normalizedPolicies(_ names: [String], noDefault: Bool) throws -> [String] {
        var set = Set(names.map(Policy.trimmedAndNormalized).filter { !$0.isEmpty })
        if set.contains("root") { throw CoreError.badRequest("auth methods cannot create root tokens") }
        if !noDefault { set.insert("default") }
        return set.sorted()
    }

    /// The TTL and, when it had to be cut down, the warning Vault gives (§4.3): a
    /// period is cut to the same caps as a TTL, `explicit_max_ttl` included.
    static func ttl(_ settings: TokenSettings, mount: MountEntry) -> (Int64, String?) {
        let systemTTL = TokenSettings.systemTTL
        let base = settings.ttl > 0 ? settings.ttl : (mount.config.defaultLeaseTTL > 0 ? mount.config.defaultLeaseTTL : systemTTL)
        var cap = mount.config.maxLeaseTTL > 0 ? mount.config.maxLeaseTTL : systemTTL
        if settings.maxTTL > 0 { cap = min(cap, settings.maxTTL) }
        if settings.explicitMaxTTL > 0 { cap = min(cap, settings.explicitMaxTTL) }
        let wanted = settings.period > 0 ? settings.period : base
        guard wanted > cap else { return (wanted, nil) }
        let what = settings.period > 0 ? "period" : "TTL"
        return (
            cap,
            "\(what) of \"\(shortDuration(wanted))\" exceeded the effective max_ttl of \"\(shortDuration(cap))\"; \(what) value is capped accordingly"
        )
    }

    /// `15m`, `1h`, `1h30m`: Go's duration text without the zero tails.
    static func shortDuration(_ seconds: Int64) -> String {
        var text = GoDuration.format(seconds: seconds)
        if text.hasSuffix("m0s") { text.removeLast(2) }
        if text.hasSuffix("h0m") { text.removeLast(2) }
        return text
    }
}
