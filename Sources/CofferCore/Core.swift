import CofferMountKit
import CofferStorage
import Crypto
import Foundation

/// The core, assembled: storage, barrier, seal, mounts, tokens, policies and the
/// pipeline. It holds the parts and wires their lifecycle; the work happens in them.
package final class Core: Sendable {
    package let physical: any PhysicalStorage
    package let barrier: SecurityBarrier
    package let seal: SealManager
    package let mounts: MountManager
    package let router: MountRouter
    package let tokens: TokenStore
    package let policies: PolicyStore
    package let expiration: ExpirationManager
    package let leases: LeaseStore
    package let audit: AuditBroker
    /// User lockout (failed logins per alias); the server config sets its stanzas.
    package let lockouts: UserLockouts
    package let pipeline: RequestPipeline
    /// nil on a single node; on an HA cluster, what makes this node active or a standby.
    package let ha: HACoordinator?
    package let clock: @Sendable () -> Date
    /// What the parts record (requests, logins, audit writes), and `sys/metrics`.
    package let metrics: CofferMetrics
    /// `sys/metrics`' answer, which the HTTP layer also gives without a token on a
    /// listener with `unauthenticated_metrics_access`.
    package let metricsEndpoint: MetricsEndpoint

    /// - Parameters:
    ///   - mountFactories: the mount types that can be enabled, by type name.
    ///   - ha: the HA lock and this node's addresses, when several nodes share the storage.
    ///   - clock: the time tokens and leases are checked against.
    ///   - metrics: where the parts record; `.disabled` records nothing.
    package init(
        physical: any PhysicalStorage, mountFactories: [String: MountFactory], ha: HACoordinator? = nil,
        clock: @escaping @Sendable () -> Date = Date.init, revocationRetry: RevocationRetry = .standard,
        metrics: CofferMetrics = .disabled
    ) {
        let barrier = SecurityBarrier(physical: physical, clock: clock)
        let keyRotation = KeyRotationScheduler(barrier: barrier)
        let router = MountRouter()
        let mounts = MountManager(barrier: barrier, router: router, factories: mountFactories, clock: clock)
        let tokens = TokenStore(barrier: barrier, clock: clock)
        let acls = ACLCache()
        let policies = PolicyStore(barrier: barrier, clock: clock, acls: acls)
        let leases = LeaseStore(barrier: barrier, tokens: tokens, router: router, clock: clock)
        let expiration = ExpirationManager(tokens: tokens, leases: leases, clock: clock, retry: revocationRetry)
        let cluster = ClusterStore(barrier: barrier)
        let audit = AuditBroker(barrier: barrier, clock: clock, metrics: metrics)
        let lockouts = UserLockouts(barrier: barrier, clock: clock)
        let identity = IdentityStore(barrier: barrier, clock: clock, acls: acls)

        let bringUp: @Sendable () async throws -> Void = {
            try await tokens.load()
            tokens.setRevocationObserver { token in
                expiration.forget(token: token.hash)
                // A lease whose secret could not be dropped stays, retried with backoff;
                // a storage failure leaves the leases to expire on their own schedule.
                for failure in (try? await leases.revokeLeases(of: token)) ?? [] {
                    await expiration.revocationFailed(failure.id, failure.error)
                }
            }
            try await policies.load()
            try await identity.load()
            try await mounts.load()
            try await expiration.load()
            try await audit.load()
            await keyRotation.start()
        }
        let tearDown: @Sendable () async -> Void = {
            await keyRotation.stop()
            await audit.unload()
            await expiration.unload()
            await mounts.unload()
            policies.unload()
            identity.unload()
            tokens.reset()
        }
        let seal = SealManager(
            physical: physical, barrier: barrier,
            hooks: .init(
                setUp: { rootTokenID in
                    try await bringUp()
                    try await cluster.create()
                    var root = TokenStore.Request(policies: ["root"], path: "auth/token/root", displayName: "root")
                    root.id = rootTokenID
                    return try await tokens.create(root).id
                },
                postUnseal: {
                    guard let ha else { return try await bringUp() }
                    ha.start()
                },
                preSeal: {
                    await ha?.stop()
                    await tearDown()
                },
                exclusively: { body in
                    guard let ha else { return try await body() }
                    try await ha.holdingLock(body)
                }
            ))
        // On an HA node the core's duties run only while it holds the lock; a
        // takeover first forgets what it cached while others were active, then
        // rereads the keyring, which the previous active may have rotated, and
        // the seal configuration, which it may have changed with the root key.
        ha?.assign(
            .init(
                bringUp: {
                    physical.forgetCached()
                    try await barrier.reloadKeyring()
                    await seal.forgetConfig()
                    try await bringUp()
                }, tearDown: tearDown))
        let metricsEndpoint = MetricsEndpoint(metrics: metrics, barrier: barrier, expiration: expiration, ha: ha, clock: clock)
        let system = SystemBackend(
            seal: seal, mounts: mounts, router: router, tokens: tokens, policies: policies, leases: leases,
            expiration: expiration, cluster: cluster, barrier: barrier, audit: audit, lockouts: lockouts, identity: identity,
            ha: ha, metrics: metricsEndpoint
        )
        mounts.register(type: "system", backend: system)
        mounts.register(
            type: "token",
            backend: TokenBackend(tokens: tokens, policies: policies, identity: identity, expiration: expiration, router: router))
        mounts.register(type: "identity", backend: IdentityBackend(identity: identity, router: router))
        if let kv = mountFactories["kv"] {
            mounts.register(type: "cubbyhole", backend: CubbyholeBackend(barrier: barrier, kvFactory: kv))
        }

        self.physical = physical
        self.barrier = barrier
        self.seal = seal
        self.mounts = mounts
        self.router = router
        self.tokens = tokens
        self.policies = policies
        self.expiration = expiration
        self.leases = leases
        self.audit = audit
        self.lockouts = lockouts
        self.ha = ha
        self.clock = clock
        self.metrics = metrics
        self.metricsEndpoint = metricsEndpoint
        self.pipeline = RequestPipeline(
            barrier: barrier, router: router, tokens: tokens, policies: policies, leases: leases,
            expiration: expiration, system: system, audit: audit, identity: identity, metrics: metrics
        )
    }

    package func handle(_ request: Request) async -> Response {
        await pipeline.handle(request)
    }

    /// The key HA nodes sign forwarded clients' addresses with; nil while sealed.
    package func forwardingKey() -> SymmetricKey? {
        try? barrier.derivedKey(purpose: "coffer/ha/forwarded-client")
    }

    /// What `server -dev` does: one key share, unsealed, a root token, KV v2 at `secret/`.
    package func startDev(rootTokenID: String?) async throws -> (unsealKey: [UInt8], rootToken: String) {
        // As in OpenBao's dev mode, audit devices may be enabled over the API.
        audit.allowAPICreation(true)
        let (keys, rootToken) = try await seal.initialize(shares: 1, threshold: 1, rootTokenID: rootTokenID)
        _ = try await seal.unseal(share: keys[0])
        try await mounts.enable(
            MountEntry.newSecrets(path: "secret/", type: "kv", description: "key/value secret storage", options: ["version": "2"]))
        return (keys[0], rootToken)
    }
}

/// The cluster name and id, behind the barrier; read by seal-status and health.
package actor ClusterStore {
    private static let path = "core/cluster-info"
    private let barrier: SecurityBarrier
    private var cached: ClusterInfo?

    init(barrier: SecurityBarrier) { self.barrier = barrier }

    func create() async throws {
        let info = ClusterInfo.fresh()
        try await barrier.put(Self.path, try JSONEncoder().encode(info))
        cached = info
    }

    /// The info while unsealed, nil while sealed.
    package func current() async -> ClusterInfo? {
        guard !barrier.isSealed else { return nil }
        if let cached { return cached }
        guard let data = try? await barrier.get(Self.path) else { return nil }
        cached = try? JSONDecoder().decode(ClusterInfo.self, from: data)
        return cached
    }
}
