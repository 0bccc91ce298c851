import CofferMountKit

/// `cubbyhole/`: a private KV v1 store per token, gone when the token is revoked.
///
/// Each request gets a KV v1 handler over a view keyed by the caller's token hash,
/// so one token can never name another's data.
struct CubbyholeBackend: CoreBackend {
    let barrier: SecurityBarrier
    let kvFactory: MountFactory

    func isUnauthenticated(_ relativePath: String, _ operation: Request.Operation) -> Bool { false }

    func handle(_ call: BackendCall) async throws -> Response {
        guard let token = call.token else { throw CoreError.permissionDenied }
        // A batch token's data would outlive nothing: it has no revocation to take the cubbyhole with it.
        if token.isBatch { throw CoreError.badRequest("cubbyhole operations are only supported by 'service' type tokens") }
        let view = StorageView(storage: barrier, prefix: TokenStore.cubbyholePrefix + token.hash + "/")
        let handler = try kvFactory(MountContext(path: "cubbyhole/", type: "kv", options: ["version": "1"], storage: view))
        // KV v1's table has no patch handler: a PATCH is its unsupported operation.
        let request = MountRequest(
            operation: call.request.operation.routeOperation, path: call.relativePath, fields: RequestFields(call.request.data),
            storage: view, mountPath: "cubbyhole/", clientAddress: call.request.clientAddress)
        var answer = try await handler.handle(request)
        answer.leaseDuration = 0
        return LogicalResponse.from(answer, requestID: call.request.id)
    }
}

extension LogicalResponse {
    /// A mount's answer as the core's response: nothing to say is a 204.
    static func from(_ answer: MountResponse, requestID: String) -> Response {
        guard answer.data != nil || !answer.warnings.isEmpty else { return .noContent }
        var response = LogicalResponse(requestID: requestID, data: answer.data.map { .object($0) } ?? .null)
        response.warnings = answer.warnings
        response.leaseDuration = answer.leaseDuration
        response.isNotFound = answer.isNotFound
        return .logical(response)
    }
}
