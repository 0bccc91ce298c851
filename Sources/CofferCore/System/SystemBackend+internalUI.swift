import CofferEncoding
import CofferMountKit

extension SystemBackend {
    /// `GET sys/internal/ui/mounts`: the mounts the caller can see; none without a token.
    func internalUIMounts(_ call: BackendCall) async throws -> Response {
        var secret: [String: JSONValue] = [:]
        var auth: [String: JSONValue] = [:]
        if let tokenID = call.request.token, let token = try await tokens.lookup(tokenID) {
            let acl = policies.acl(for: token, identity: identity)
            for entry in await mounts.entries(.secrets) where acl.grantsAnything(under: entry.routePath) {
                secret[entry.path] = entry.json()
            }
            for entry in await mounts.entries(.auth) where acl.grantsAnything(under: entry.routePath) {
                auth[entry.path] = entry.json()
            }
        }
        return .logical(LogicalResponse(requestID: call.request.id, data: ["auth": .object(auth), "secret": .object(secret)]))
    }

    /// `GET sys/internal/ui/mounts/<path>`: the mount holding `path`, with its own
    /// path. Every `bao kv` command asks this first to learn the KV version (§4.13).
    func internalUIMount(_ call: BackendCall, path: String) async throws -> Response {
        guard call.request.operation == .read else { throw CoreError.unsupportedOperation }
        let shown = path.withTrailingSlash
        let refusal = CoreError(
            .forbidden, "preflight capability check returned 403, please ensure client's policies grant access to path \"\(shown)\"")
        guard let (mount, _) = router.route(path) else { throw refusal }
        if let token = call.token, !policies.acl(for: token, identity: identity).grantsAnything(under: mount.entry.routePath) {
            throw refusal
        }
        return .logical(LogicalResponse(requestID: call.request.id, data: mount.entry.json(includingPath: true)))
    }
}
