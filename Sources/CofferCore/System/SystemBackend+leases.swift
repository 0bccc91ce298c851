import CofferEncoding
import CofferMountKit

extension SystemBackend {
    /// `sys/leases/lookup|renew|revoke|revoke-prefix` (spec/vault-api.md §4.10).
    func leaseEndpoint(_ call: BackendCall, _ rest: String) async throws -> Response {
        let fields = RequestFields(call.request.data)
        let operation = call.request.operation
        func leaseID(after prefix: String) throws -> String {
            let fromPath = rest.count > prefix.count ? String(rest.dropFirst(prefix.count + 1)) : ""
            return fromPath.isEmpty ? (try fields.string("lease_id") ?? "") : fromPath
        }
        // Revocation is done before answering either way; `sync: false` only changes the status.
        let queued = (try fields.bool("sync")) == false

        // Whole segments only: `lookupX/...` is no alias of `lookup/X...`, which is
        // root-protected (RootPaths) and must not be reachable without sudo.
        if rest.bytesEqual("lookup") || rest.hasBytePrefix("lookup/"), operation == .list {
            let prefix = rest.bytesEqual("lookup") ? "" : String(decoding: rest.utf8.dropFirst("lookup/".utf8.count), as: UTF8.self)
            let keys = try await leases.list(prefix)
            guard !keys.isEmpty else { throw CoreError.notFound }
            return .logical(LogicalResponse(requestID: call.request.id, data: ["keys": JSONValue(keys)]))
        }
        // Vault has no other list path here: `LIST sys/leases/lookupX` is an unknown path.
        if operation == .list { throw CoreError.unsupportedPath }
        guard operation == .write else { throw CoreError.unsupportedOperation }
        switch rest {
        case "lookup":
            let id = try fields.string("lease_id") ?? ""
            return .logical(LogicalResponse(requestID: call.request.id, data: try await leases.lookup(id)))
        case "renew",
            _ where rest.hasPrefix("renew/"):
            let renewed = try await leases.renew(
                try leaseID(after: "renew"), increment: try fields.duration("increment"), systemMax: TokenSettings.systemTTL)
            expiration.track(renewed)
            var response = LogicalResponse(requestID: call.request.id)
            response.leaseID = renewed.id
            response.renewable = renewed.lease?.renewable ?? true
            response.leaseDuration = renewed.expireTime.map { max(0, Int64(saturating: $0.timeIntervalSince(tokens.clock()))) } ?? 0
            return .logical(response)
        case "revoke",
            _ where rest.hasPrefix("revoke/"):
            let id = try leaseID(after: "revoke")
            do {
                try await leases.revoke(id)
            } catch  where queued {
                // Queued (`bao lease revoke`): the caller is not waiting, so a
                // failure goes to the expiration manager's retries, not back.
                await expiration.revocationFailed(id, CoreError.from(error).messages.joined(separator: "; "))
                return .accepted
            }
            expiration.forget(lease: id)
            return queued ? .accepted : .noContent
        case _ where rest.hasPrefix("revoke-prefix/"):
            try await leases.revoke(prefix: String(rest.dropFirst("revoke-prefix/".count)))
            return queued ? .accepted : .noContent
        case _ where rest.hasPrefix("revoke-force/"):
            // Past any backend error: for leases whose secret the operator removed by hand.
            let prefix = String(rest.dropFirst("revoke-force/".count))
            let ids = try await leases.ids(under: prefix)
            try await leases.revoke(prefix: prefix, force: true)
            for id in ids { expiration.forget(lease: id) }
            return .noContent
        default:
            throw CoreError.unsupportedPath
        }
    }

    /// `GET sys/leases?type=irrevocable` (also LIST): the leases Coffer gave up
    /// revoking, with their errors; any other type answers nothing, as OpenBao does.
    func irrevocableLeaseList(_ call: BackendCall) async throws -> Response {
        let fields = RequestFields(call.request.data)
        guard (try fields.string("type"))?.lowercased() == "irrevocable" else { return .noContent }
        var limit = 10_000
        var warnings: [String] = []
        switch try fields.string("limit") ?? "" {
        case "": break
        case let text where text.lowercased() == "none": limit = .max
        case let text:
            guard let number = Int(text), number >= 1 else {
                throw CoreError(.internal, "1 error occurred:\n\t* limit must be 'none' or a positive integer\n\n")
            }
            limit = number
        }
        var found = try await leases.irrevocableLeases()
        if found.count > limit {
            found = Array(found.prefix(limit))
            warnings.append(
                "Command halted because many irrevocable leases were found. To emit the entire list, re-run the command with force set true."
            )
        }
        let listed: [JSONValue] = found.map { entry in
            ["lease_id": .string(entry.id), "mount_id": .string(mountAccessor(entry.mountPath)), "error": .string(entry.revokeError ?? "")]
        }
        var response = LogicalResponse(
            requestID: call.request.id, data: ["lease_count": .int(Int64(listed.count)), "leases": .array(listed)])
        response.warnings = warnings
        return .logical(response)
    }

    /// `GET sys/leases/count?type=irrevocable`: how many, in all and by mount accessor.
    func irrevocableLeaseCount(_ call: BackendCall) async throws -> Response {
        guard (try RequestFields(call.request.data).string("type"))?.lowercased() == "irrevocable" else { return .noContent }
        var counts: [String: Int64] = [:]
        let found = try await leases.irrevocableLeases()
        for entry in found { counts[mountAccessor(entry.mountPath), default: 0] += 1 }
        return .logical(
            LogicalResponse(
                requestID: call.request.id,
                data: ["lease_count": .int(Int64(found.count)), "counts": .object(counts.mapValues { .int($0) })]))
    }

    private func mountAccessor(_ routePath: String) -> String {
        router.route(routePath)?.mount.entry.accessor ?? ""
    }
}
