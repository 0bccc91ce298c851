import CofferMountKit

/// The stages every request takes, in order: always-available sys paths ->
/// sealed? -> route -> token -> policy -> handler.
package struct RequestPipeline: Sendable {
    let barrier: SecurityBarrier
    let router: MountRouter
    let tokens: TokenStore
    let system: SystemBackend

    package func handle(_ request: Request) async -> Response {
        do {
            return try await process(request)
        } catch {
            return .error(CoreError.from(error))
        }
    }

    private func process(_ request: Request) async throws -> Response {
        if let response = try await system.handleAlwaysAvailable(request) {
            return response
        }
        guard !barrier.isSealed else { throw CoreError.sealed }
        if request.operation == .write, request.path.hasSuffix("/") {
            throw CoreError.badRequest("cannot write to a path ending in '/'")
        }

        let routed = router.route(request.path)
        let token = try await authenticate(request, routed: routed)
        guard let (mount, relativePath) = routed else { throw CoreError.noRoute(request.path) }
        try authorize(token)

        switch mount.handler {
        case .core(let backend):
            let call = BackendCall(request: request, relativePath: relativePath, mount: mount.entry, storage: mount.storage, token: token)
            return try await backend.handle(call)
        case .plugin(let handler):
            return try await dispatch(request, to: handler, mount: mount, relativePath: relativePath)
        }
    }

    /// The caller's token, or nil on a path that needs none. The token check comes
    /// before the "no route" answer, as in Vault (spec §1.1).
    private func authenticate(_ request: Request, routed: (mount: RoutedMount, relativePath: String)?) async throws -> TokenEntry? {
        if let (mount, relativePath) = routed, isUnauthenticated(mount, relativePath, request.operation) {
            return nil
        }
        guard let tokenID = request.token, let entry = try await tokens.lookup(tokenID) else {
            throw CoreError.permissionDenied
        }
        return entry
    }

    private func isUnauthenticated(_ mount: RoutedMount, _ relativePath: String, _ operation: Request.Operation) -> Bool {
        switch mount.handler {
        case .core(let backend):
            return backend.isUnauthenticated(relativePath, operation)
        case .plugin(let handler):
            return handler.unauthenticatedPaths.contains { $0.match(relativePath) != nil }
        }
    }

    /// Until ACL policies land, only root tokens exist and only they pass.
    private func authorize(_ token: TokenEntry?) throws {
        guard let token else { return }
        guard token.isRoot else { throw CoreError.forbidden }
    }

    private func dispatch(_ request: Request, to handler: any Mount, mount: RoutedMount, relativePath: String) async throws -> Response {
        var mountRequest = MountRequest(
            operation: .read, path: relativePath, fields: RequestFields(request.data), storage: mount.storage,
            mountPath: mount.entry.routePath, clientAddress: request.clientAddress
        )
        switch request.operation {
        case .read: mountRequest.operation = .read
        case .list: mountRequest.operation = .list
        case .delete: mountRequest.operation = .delete
        case .patch: mountRequest.operation = .patch
        case .write:
            mountRequest.operation = .update
            if try await handler.exists(mountRequest) == false { mountRequest.operation = .create }
        }
        let answer = try await handler.handle(mountRequest)
        guard answer.data != nil || !answer.warnings.isEmpty else { return .noContent }
        var response = LogicalResponse(requestID: request.id, data: answer.data.map { .object($0) } ?? .null)
        response.warnings = answer.warnings
        response.leaseDuration = answer.leaseDuration
        response.isNotFound = answer.isNotFound
        return .logical(response)
    }
}
