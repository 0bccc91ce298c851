import CofferMountKit

/// The stages every request takes, in order (STYLE.md): always-available sys
/// paths -> sealed? -> route -> token (a use is spent) -> policy -> handler.
package struct RequestPipeline: Sendable {
    let barrier: SecurityBarrier
    let router: MountRouter
    let tokens: TokenStore
    let policies: PolicyStore
    let leases: LeaseStore
    let expiration: ExpirationManager
    let system: SystemBackend
    let audit: AuditBroker
    let identity: IdentityStore
    let metrics: CofferMetrics

    private var loginIssuer: LoginTokenIssuer {
        LoginTokenIssuer(tokens: tokens, expiration: expiration, identity: identity, router: router)
    }

    /// Every request is counted and timed by where it went (`RequestMetrics`:
    /// two clock reads, a dictionary lookup, an atomic add, a histogram observation).
    package func handle(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        var route = RouteLabel.unrouted(request.operation)
        let response: Response
        do {
            response = try await process(request, route: &route)
        } catch {
            response = .error(CoreError.from(error))
        }
        metrics.requests.record(route, RequestOutcome(response), elapsed: ContinuousClock.now - started)
        return response
    }

    private var wrapper: ResponseWrapper {
        ResponseWrapper(tokens: tokens, barrier: barrier, expiration: expiration)
    }

    private func process(_ request: Request, route: inout RouteLabel) async throws -> Response {
        if RelativePath.isRelative(request.path) { throw CoreError.badRequest("relative paths not supported") }
        if let response = try await system.handleAlwaysAvailable(request) {
            route = RouteLabel(mount: "sys/", mountType: "system", isAuth: false, action: RouteLabel.Action(request.operation))
            return response
        }
        guard !barrier.isSealed else { throw CoreError.sealed }
        var record = AuditRecord(request: request)
        let routed = router.route(request.path)
        record.routed = routed?.mount
        if let (mount, relativePath) = routed {
            route = Self.routeLabel(mount, relativePath, request.operation)
        }
        let token: TokenEntry?
        do {
            if request.operation == .write, request.path.hasSuffix("/") {
                throw CoreError.badRequest("cannot write to a path ending in '/'")
            }
            try await system.checkWrappingTokenFirst(request)
            token = try await authenticate(request, routed: routed)
        } catch {
            try await refused(&record, error)
        }
        record.token = token
        // A token whose last use this request took is revoked once the request is done.
        guard let token, token.isSpent else {
            return try await dispatch(request, routed: routed, token: token, record: &record)
        }
        do {
            let response = try await dispatch(request, routed: routed, token: token, record: &record)
            try? await tokens.revoke(hash: token.hash)
            return response
        } catch {
            try? await tokens.revoke(hash: token.hash)
            throw error
        }
    }

    /// Logs a refusal (request and response lines, with the error), then throws it.
    private func refused(_ record: inout AuditRecord, _ error: any Error) async throws -> Never {
        record.error = CoreError.from(error).messages.joined(separator: "; ")
        try await audit.record(record, .request)
        try await audit.record(record, .response)
        throw error
    }

    private func dispatch(
        _ request: Request, routed: (mount: RoutedMount, relativePath: String)?, token: TokenEntry?, record: inout AuditRecord
    ) async throws -> Response {
        guard let (mount, relativePath) = routed else { try await refused(&record, CoreError.noRoute(request.path)) }
        if request.isHelp {
            return try await answerHelp(request, mount: mount, relativePath: relativePath, record: record)
        }

        switch mount.handler {
        case .core(let backend):
            if let token, !backend.authorizesItself(relativePath) {
                try await checkedAuthorize(ACLRequest(request, exists: true), token: token, record: &record)
            }
            try await audit.record(record, .request)
            let call = BackendCall(request: request, relativePath: relativePath, mount: mount.entry, storage: mount.storage, token: token)
            return try await answered(record) { try await backend.handle(call) }
        case .plugin(let handler):
            let mountRequest = try await Self.mountRequest(request, relativePath, mount, handler, token: token)
            record.operation = mountRequest.operation.rawValue
            if let token {
                try await checkedAuthorize(ACLRequest(request, exists: mountRequest.operation != .create), token: token, record: &record)
            }
            try await audit.record(record, .request)
            return try await answered(record) {
                // A login (no token) for a method with guessable secrets: user lockout.
                let alias = token == nil ? handler.lockoutAlias(mountRequest) : nil
                let isLogin = token == nil && Self.isLoginPath(mount, relativePath)
                let answer: MountResponse
                do {
                    answer = try await system.lockouts.guarding(mount.entry, alias: alias) { try await handler.handle(mountRequest) }
                } catch {
                    if isLogin {
                        metrics.logins.record(mount: mount.entry.routePath, role: request.data["role"]?.stringValue, succeeded: false)
                    }
                    throw error
                }
                if let auth = answer.auth {
                    // A role's name only, never the secret ID or token that came with it.
                    let role = auth.metadata["role"] ?? auth.metadata["role_name"]
                    let response: LogicalResponse
                    do {
                        response = try await loginIssuer.issue(
                            auth, mount: mount.entry, path: request.path, requestID: request.id, clientAddress: request.clientAddress
                        )
                    } catch {
                        metrics.logins.record(mount: mount.entry.routePath, role: role, succeeded: false)
                        throw error
                    }
                    metrics.logins.record(mount: mount.entry.routePath, role: role, succeeded: true)
                    var withWarnings = response
                    withWarnings.warnings = answer.warnings + response.warnings
                    return .logical(withWarnings)
                }
                guard let lease = answer.lease else { return LogicalResponse.from(answer, requestID: request.id) }
                return try await leased(answer, lease, request: request, mount: mount, token: token)
            }
        }
    }

    /// Runs the handler, wraps its answer when the request asked for that, and
    /// records the answer as the client gets it; an answer no device could record
    /// is not given.
    func answered(_ record: AuditRecord, _ handler: () async throws -> Response) async throws -> Response {
        var record = record
        do {
            let response = try await wrappedIfAsked(try await handler(), record.request)
            try await audit.record(record, .response, response: response)
            return response
        } catch {
            record.error = CoreError.from(error).messages.joined(separator: "; ")
            Self.noteRefusedLogin(error, &record)
            try await audit.record(record, .response)
            throw error
        }
    }

    /// With `X-Vault-Wrap-TTL`, a logical answer goes into a wrapping token's
    /// cubbyhole and the client gets the token instead.
    private func wrappedIfAsked(_ response: Response, _ request: Request) async throws -> Response {
        guard let ttl = request.wrapTTL, case .logical(let logical) = response, !logical.isNotFound else { return response }
        return .logical(try await wrapper.wrap(logical, path: request.path, ttl: ttl))
    }

    /// The ACL's decision, with its outcome recorded for the audit log; a denial is
    /// `permission denied` (403), whichever check failed.
    private func checkedAuthorize(_ question: ACLRequest, token: TokenEntry, record: inout AuditRecord) async throws {
        let decision = policies.acl(for: token, identity: identity).decide(question)
        guard decision.isAllowed else {
            record.allowed = false
            try await refused(&record, CoreError.forbidden)
        }
        record.grantingPolicies = token.policies
    }

    /// The caller's token, or nil on a path that needs none. The token check comes
    /// before the "no route" answer, as in Vault (spec §1.1), and spends a use.
    private func authenticate(_ request: Request, routed: (mount: RoutedMount, relativePath: String)?) async throws -> TokenEntry? {
        if let (mount, relativePath) = routed, isUnauthenticated(mount, relativePath, request.operation) {
            return nil
        }
        guard let tokenID = request.token, let entry = try await tokens.use(tokenID) else {
            throw CoreError.permissionDenied
        }
        // A disabled entity's tokens stop working until it is enabled again (Vault).
        if !entry.entityID.isEmpty, identity.entity(id: entry.entityID)?.disabled == true {
            throw CoreError.permissionDenied
        }
        // A token bound to networks works only from them (token `bound_cidrs`).
        if let cidrs = entry.boundCIDRs, !cidrs.isEmpty {
            guard CIDRBlock.anyContains(cidrs, request.clientAddress) else {
                if entry.isSpent { try? await tokens.revoke(hash: entry.hash) }
                throw CoreError.permissionDenied
            }
        }
        return entry
    }

    /// What the metrics may say of a routed request: its mount and action, a
    /// login being a request without a token to an auth mount's `login` path.
    private static func routeLabel(_ mount: RoutedMount, _ relativePath: String, _ operation: Request.Operation) -> RouteLabel {
        let isAuth = mount.entry.table == .auth
        let action: RouteLabel.Action = isAuth && operation == .write && isLoginPath(mount, relativePath) ? .login : .init(operation)
        return RouteLabel(mount: mount.entry.routePath, mountType: mount.entry.type, isAuth: isAuth, action: action)
    }

    /// `login` or `login/<name>` on an auth method (Vault's login paths), not the token store's paths.
    private static func isLoginPath(_ mount: RoutedMount, _ relativePath: String) -> Bool {
        guard mount.entry.table == .auth, case .plugin = mount.handler else { return false }
        return relativePath == "login" || relativePath.hasPrefix("login/")
    }

    private func isUnauthenticated(_ mount: RoutedMount, _ relativePath: String, _ operation: Request.Operation) -> Bool {
        switch mount.handler {
        case .core(let backend):
            return backend.isUnauthenticated(relativePath, operation)
        case .plugin(let handler):
            return handler.unauthenticatedPaths.contains { $0.match(relativePath) != nil }
        }
    }

    /// Records the lease a mount asked for and reports it in the envelope.
    private func leased(_ answer: MountResponse, _ lease: MountLease, request: Request, mount: RoutedMount, token: TokenEntry?) async throws
        -> Response
    {
        var lease = lease
        if let token, token.isBatch {
            // A batch token cannot be revoked, so its leases cannot go with it:
            // they end no later than it does (Vault's rule).
            let left = max(1, token.ttl(at: tokens.clock()))
            if lease.ttl <= 0 || lease.ttl > left { lease.ttl = left }
            if lease.maxTTL <= 0 || lease.maxTTL > left { lease.maxTTL = left }
        }
        let entry = try await leases.create(
            path: request.path, mountPath: mount.entry.routePath, lease: lease, tokenHash: token?.leaseOwnerHash)
        expiration.track(entry)
        guard case .logical(var response) = LogicalResponse.from(answer, requestID: request.id) else { return .noContent }
        response.leaseID = entry.id
        response.renewable = lease.renewable
        response.leaseDuration = lease.ttl
        return .logical(response)
    }

    /// The request as the mount sees it, made once its operation is known: a
    /// write is `create` when the mount says nothing exists there yet, else
    /// `update`. The existence check gets a request of its own, as an update.
    private static func mountRequest(
        _ request: Request, _ relativePath: String, _ mount: RoutedMount, _ handler: any Mount, token: TokenEntry?
    ) async throws -> MountRequest {
        let fields = RequestFields(request.data)
        let limits = LeaseLimits(defaultTTL: mount.entry.config.defaultLeaseTTL, maxTTL: mount.entry.config.maxLeaseTTL)
        func made(_ operation: MountOperation) -> MountRequest {
            MountRequest(
                operation: operation, path: relativePath, fields: fields, storage: mount.storage,
                mountPath: mount.entry.routePath, clientAddress: request.clientAddress,
                peerCertificates: request.peerCertificates, displayName: token?.displayName ?? "", leaseLimits: limits
            )
        }
        let asked = made(request.operation.routeOperation)
        guard request.operation == .write else { return asked }
        return try await handler.exists(asked) == false ? made(.create) : asked
    }
}
