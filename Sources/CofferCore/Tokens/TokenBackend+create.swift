import CofferMountKit
import Foundation

extension TokenBackend {
    /// `auth/token/create` and `create-orphan` (spec/vault-api.md §5.1), as OpenBao's
    /// `handleCreateCommon`: a child never gets more than its parent may give.
    func create(_ call: BackendCall, caller: TokenEntry, orphan: Bool) async throws -> Response {
        let fields = RequestFields(call.request.data)
        // A token with limited uses could escape its count through children.
        guard caller.numUses == 0 else { throw CoreError.badRequest("restricted use token cannot generate child tokens") }
        let isSudo = caller.isRoot || policies.acl(for: caller, identity: identity).capabilities(on: call.request.path).contains(.sudo)
        if orphan, !isSudo, call.relativePath == "create" {
            // `no_parent` needs root or sudo on the path, as in Vault.
            throw CoreError.badRequest("root or sudo privileges required to create orphan token")
        }
        // A batch token has no storage entry to hang children on (Vault's message).
        guard !caller.isBatch else { throw CoreError.badRequest("batch tokens cannot create more tokens") }
        let batch = try Self.isBatchRequested(fields)
        var requested = (try fields.stringList("policies") ?? caller.policies.filter { $0 != "default" }).map(Policy.normalize)
        if !caller.isRoot {
            let allowed = Set(caller.policies + ["default"])
            guard requested.allSatisfy(allowed.contains) else { throw CoreError.badRequest("child policies must be subset of parent") }
        }
        if !(try fields.bool("no_default_policy") ?? false), !requested.contains("root") { requested.append("default") }
        if batch { try Self.checkBatchFields(fields, policies: requested) }

        var request = TokenStore.Request(policies: requested, path: "auth/token/\(call.relativePath)", displayName: "token")
        if let name = try fields.string("display_name"), !name.isEmpty {
            request.displayName = "token-" + name.lowercased().replacingOccurrences(of: " ", with: "-")
        }
        request.batch = batch
        request.numUses = Int(try fields.int("num_uses") ?? 0)
        guard request.numUses >= 0 else { throw CoreError.badRequest("number of uses cannot be negative") }
        request.renewable = try fields.bool("renewable") ?? true
        request.meta = try fields.map("meta")?.compactMapValues(\.stringValue)
        // `bound_cidrs` is not a field here: OpenBao ignores it on token create
        // (it belongs to token roles and auth methods' `token_bound_cidrs`). A
        // child keeps its parent's binding, so it cannot be used to escape it.
        request.parentHash = orphan ? nil : caller.hash
        request.boundCIDRs = orphan ? nil : caller.boundCIDRs
        if !batch, let id = try fields.string("id"), !id.isEmpty {
            guard caller.isRoot else { throw CoreError.badRequest("root or sudo privileges required to specify token id") }
            guard !id.hasPrefix("s."), !id.hasPrefix("hvs."), !id.contains(".") else {
                throw CoreError.badRequest("custom token ID cannot have the 's.' prefix or contain a '.'")
            }
            request.id = id
        }
        var lifetime = try Self.lifetime(fields, isSudo: isSudo, rootPolicy: requested.contains("root"))
        request.explicitMaxTTL = try Self.nonNegative(fields, "explicit_max_ttl")
        if !orphan {
            lifetime.capped(byParentTTL: caller.expireTime.map { TokenEntry.seconds($0.timeIntervalSince(tokens.clock())) })
        }
        request.ttl = lifetime.ttl
        request.period = lifetime.period
        let (id, entry) = try await tokens.create(request, alongside: LeaseStore.tokenMarker)
        if !entry.isBatch { expiration.track(entry) }
        var response = LogicalResponse(requestID: call.request.id)
        response.auth = AuthBlock.json(id: id, entry, now: tokens.clock())
        if !lifetime.warnings.isEmpty { response.warnings = lifetime.warnings }
        return .logical(response)
    }

    /// `type`: `service` (and `default`, or none) or `batch`, as OpenBao takes them.
    private static func isBatchRequested(_ fields: RequestFields) throws -> Bool {
        switch try fields.string("type") ?? "" {
        case "", "default", TokenEntry.serviceType: return false
        case TokenEntry.batchType: return true
        default: throw CoreError.badRequest("invalid 'token_type' value")
        }
    }

    /// What a batch token cannot carry, checked in OpenBao's order (its messages).
    private static func checkBatchFields(_ fields: RequestFields, policies: [String]) throws {
        for name in ["explicit_max_ttl", "num_uses", "period"] {
            let isSet = name == "num_uses" ? (try fields.int(name) ?? 0) != 0 : (try fields.duration(name) ?? 0) != 0
            if isSet { throw CoreError.badRequest("batch tokens cannot have \"\(name)\" set") }
        }
        if policies.contains("root") { throw CoreError.badRequest("batch tokens cannot be root tokens") }
    }

    /// TTL and period from the request: a period needs sudo (or root), and both
    /// stay within the system maximum and the explicit max TTL.
    private static func lifetime(_ fields: RequestFields, isSudo: Bool, rootPolicy: Bool) throws -> TokenLifetime {
        let explicitMaxTTL = try nonNegative(fields, "explicit_max_ttl")
        let period = try nonNegative(fields, "period")
        if period > 0, !isSudo { throw CoreError.badRequest("root or sudo privileges required to create periodic token") }
        let ttl = try nonNegative(fields, "ttl")
        return TokenLifetime.requested(ttl: ttl, period: period, explicitMaxTTL: explicitMaxTTL, rootPolicy: rootPolicy)
    }

    /// A duration field that may be absent (0) but not negative: `<name> must be positive`, as OpenBao says.
    private static func nonNegative(_ fields: RequestFields, _ name: String) throws -> Int64 {
        let value = try fields.duration(name) ?? 0
        guard value >= 0 else { throw CoreError.badRequest("\(name) must be positive") }
        return value
    }
}
