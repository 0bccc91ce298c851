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
    let identity: IdentityStore
    let ha: HACoordinator?
    /// `sys/metrics`.
    let metrics: MetricsEndpoint
    /// `sys/radar/`: key creation, hash cache and rate limit (SystemBackend+radar.swift).
    let radar = RadarCorrelationState()
    /// `sys/remount/status/`: the moves carried out, by migration id.
    let remounts = RemountMigrations()

    /// Paths that answer whether sealed or not, and without a token (spec §3): the
    /// routes below, matched exactly (`sys/health/` is an ordinary path).
    private static let alwaysAvailable = Set(alwaysAvailablePaths.paths.map(\.pattern.description))

    /// Their routes: the handlers take the whole request, there being no mount yet.
    static let alwaysAvailablePaths = RouteTable<SystemBackend, Request, Response>(
        [
            Route(
                "health", operations: [.read: { sys, request in try await sys.health(request) }], synopsis: "Checks the server's health."),
            Route(
                "seal-status", operations: [.read: { sys, _ in try await sys.sealStatus() }],
                synopsis: "Whether the server is sealed, and the unseal progress."),
            Route("leader", operations: leaderOperations, synopsis: "Whether high availability is on, and which node leads."),
            Route(
                "init",
                operations: [
                    .read: { sys, _ in .raw(status: 200, body: [("initialized", .bool(try await sys.seal.isInitialized()))]) },
                    .update: { sys, request in try await sys.initialize(request) },
                ],
                synopsis: "Initializes the server: makes the root key and splits it into unseal keys."
            ),
            Route(
                "unseal", operations: [.update: { sys, request in try await sys.unseal(request) }], synopsis: "Takes one unseal key share."),
        ],
        backendHelp: ""
    )

    /// A GET reports; any other method is a bare 405, as OpenBao answers.
    private static let leaderOperations: [MountOperation: Route<SystemBackend, Request, Response>.Handler] = {
        var operations: [MountOperation: Route<SystemBackend, Request, Response>.Handler] = [:]
        for operation in MountOperation.allCases {
            operations[operation] = { _, _ in .error(CoreError(.methodNotAllowed, [])) }
        }
        operations[.read] = { sys, _ in sys.leader() }
        return operations
    }()

    /// Answers the always-available paths; nil for any other path.
    func handleAlwaysAvailable(_ request: Request) async throws -> Response? {
        guard request.path.hasPrefix("sys/") else { return nil }
        let relative = String(request.path.dropFirst(4))
        guard Self.alwaysAvailable.contains(relative),
            let (handler, _) = try Self.alwaysAvailablePaths.resolve(relative, request.operation.routeOperation, fields: RequestFields([:]))
        else { return nil }
        return try await handler(self, request)
    }

    package func isUnauthenticated(_ relativePath: String, _ operation: Request.Operation) -> Bool {
        // The mount list without a path shows only what the token may see, and
        // nothing without one (spec §4.13); a wrapping token can be looked up by anyone.
        Self.paths.match(relativePath)?.path.isUnauthenticated ?? false
    }

    /// The KV preflight grants access when the token can do anything under the
    /// mount it asks about, not by the path's own rule (spec §4.13).
    package func authorizesItself(_ relativePath: String) -> Bool {
        relativePath.hasPrefix("internal/ui/mounts/")
    }

    package func help(_ relativePath: String) -> PathHelp? { Self.paths.help(relativePath) }

    package func handle(_ call: BackendCall) async throws -> Response {
        let route = try Self.paths.resolve(
            call.relativePath, call.request.operation.routeOperation, fields: RequestFields(call.request.data))
        guard let (handler, captures) = route else { throw CoreError.unsupportedPath }
        return try await handler(self, SystemCall(call: call, captures: captures))
    }
}
