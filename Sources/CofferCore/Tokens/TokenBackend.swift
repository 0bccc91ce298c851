import CofferEncoding
import CofferMountKit
import Foundation

/// The `auth/token/` backend (spec/vault-api.md §5): create, lookup, renew, revoke.
struct TokenBackend: CoreBackend {
    let tokens: TokenStore
    let policies: PolicyStore
    let identity: IdentityStore
    let expiration: ExpirationManager
    /// Finds the auth mount that issued a token, which may refuse its renewal.
    let router: MountRouter

    func isUnauthenticated(_ relativePath: String, _ operation: Request.Operation) -> Bool { false }

    func handle(_ call: BackendCall) async throws -> Response {
        guard let caller = call.token else { throw CoreError.permissionDenied }
        let fields = RequestFields(call.request.data)
        guard let (handler, _) = try Self.paths.resolve(call.relativePath, call.request.operation.routeOperation, fields: fields) else {
            throw CoreError.unsupportedPath
        }
        return try await handler(self, TokenCall(call: call, caller: caller, fields: fields))
    }

    func help(_ relativePath: String) -> PathHelp? { Self.paths.help(relativePath) }

    func lookupAnswer(_ call: BackendCall, _ entry: TokenEntry, id: String) throws -> Response {
        var data = Self.lookupData(entry, id: id, now: tokens.clock())
        // The entity's and its groups' policies join the token's at request time
        // (Vault's `identity_policies`: the entity's, then each group's, as OpenBao lists them).
        if case .object(var members) = data, let context = identity.context(entityID: entry.entityID) {
            let policies = ([context.entity.policies] + context.groups.map(\.policies)).flatMap { Array(Set($0)).sorted() }
            if !policies.isEmpty {
                members["identity_policies"] = JSONValue(policies)
                data = .object(members)
            }
        }
        return .logical(LogicalResponse(requestID: call.request.id, data: data))
    }

    func renew(_ call: BackendCall, _ entry: TokenEntry, id: String, _ fields: RequestFields) async throws -> Response {
        if entry.isBatch { throw CoreError.badRequest("batch tokens cannot be renewed") }
        try await checkRenewalWithIssuer(call, entry)
        let renewed = try await tokens.renew(hash: entry.hash, increment: try fields.duration("increment"), maxTTL: TokenSettings.systemTTL)
        expiration.track(renewed)
        var response = LogicalResponse(requestID: call.request.id)
        response.auth = AuthBlock.json(
            id: id, renewed, now: tokens.clock(), identityPolicies: identity.context(entityID: renewed.entityID)?.policies ?? [])
        return .logical(response)
    }

    /// A token from a login whose method checks renewals (`LoginRenewing`): the
    /// method must agree, as Vault asks the auth backend on renew.
    private func checkRenewalWithIssuer(_ call: BackendCall, _ entry: TokenEntry) async throws {
        guard entry.path.hasPrefix("auth/"), let (mount, relativePath) = router.route(entry.path),
            case .plugin(let handler) = mount.handler, let method = handler as? any LoginRenewing
        else { return }
        let request = MountRequest(
            operation: .update, path: relativePath, fields: RequestFields([:]), storage: mount.storage,
            mountPath: mount.entry.routePath, clientAddress: call.request.clientAddress,
            peerCertificates: call.request.peerCertificates)
        try await method.checkRenewal(request, metadata: entry.meta ?? [:], policies: entry.policies)
    }

    /// The lookup field set of spec/vault-api.md §5.3.
    static func lookupData(_ token: TokenEntry, id: String, now: Date) -> JSONValue {
        var data: [String: JSONValue] = [
            "accessor": .string(token.accessor),
            "creation_time": .int(Int64(saturating: token.creationTime.timeIntervalSince1970)),
            "creation_ttl": .int(token.creationTTL),
            "display_name": .string(token.displayName),
            "entity_id": .string(token.entityID),
            "expire_time": token.expireTime.map { .string(Timestamps.rfc3339($0)) } ?? .null,
            "explicit_max_ttl": .int(token.explicitMaxTTL),
            "id": .string(id),
            "meta": token.meta.map { .object($0.mapValues { .string($0) }) } ?? .null,
            "num_uses": JSONValue(max(0, token.numUses)),
            "orphan": .bool(token.parentHash == nil),
            "path": .string(token.path),
            "policies": JSONValue(token.policies),
            "ttl": .int(token.ttl(at: now)),
            "type": .string(token.type),
        ]
        if token.expireTime != nil {
            data["issue_time"] = .string(Timestamps.rfc3339(token.creationTime))
            data["renewable"] = .bool(token.renewable)
        }
        if token.period > 0 { data["period"] = .int(token.period) }
        if let cidrs = token.boundCIDRs { data["bound_cidrs"] = JSONValue(cidrs) }
        if let renewal = token.lastRenewal {
            data["last_renewal"] = .string(Timestamps.rfc3339(renewal))
            data["last_renewal_time"] = .int(Int64(saturating: renewal.timeIntervalSince1970))
        }
        return .object(data)
    }
}

/// The `auth` block of logins and token creation (spec/vault-api.md §2.4).
package enum AuthBlock {
    /// `entity_id` is empty for tokens made by the token store, as in Vault.
    /// `identityPolicies`: the entity's and its groups' (Vault lists them at
    /// login and renewal, and in `policies` with the token's).
    package static func json(id: String, _ entry: TokenEntry, now: Date, identityPolicies: [String] = []) -> JSONValue {
        let identityPolicies = Array(Set(identityPolicies)).sorted()
        var block: JSONValue = [
            "client_token": .string(id),
            "accessor": .string(entry.accessor),
            "policies": JSONValue(entry.policies),
            "token_policies": JSONValue(entry.policies),
            "metadata": entry.meta.map { .object($0.mapValues { .string($0) }) } ?? .null,
            // The TTL just granted: rounded, so the milliseconds spent since do not show as 899.
            "lease_duration": .int(entry.expireTime.map { max(0, Int64(saturating: $0.timeIntervalSince(now).rounded())) } ?? 0),
            "renewable": .bool(entry.renewable),
            "entity_id": .string(entry.entityID),
            "token_type": .string(entry.type),
            "orphan": .bool(entry.parentHash == nil),
            "mfa_requirement": .null,
            "num_uses": JSONValue(max(0, entry.numUses)),
        ]
        if !identityPolicies.isEmpty, case .object(var members) = block {
            members["policies"] = JSONValue(Array(Set(entry.policies + identityPolicies)).sorted())
            members["identity_policies"] = JSONValue(identityPolicies)
            block = .object(members)
        }
        return block
    }
}
