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
            try await leases.revoke(id)
            expiration.forget(lease: id)
            return queued ? .accepted : .noContent
        case _ where rest.hasPrefix("revoke-prefix/"):
            try await leases.revoke(prefix: String(rest.dropFirst("revoke-prefix/".count)))
            return queued ? .accepted : .noContent
        default:
            throw CoreError.unsupportedPath
        }
    }
}
