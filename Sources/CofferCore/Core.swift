import CofferMountKit
import CofferStorage
import Foundation

/// The core, assembled: storage, barrier, seal, mounts, tokens and the pipeline.
///
/// It holds the parts and wires their lifecycle; the work happens in the parts.
package final class Core: Sendable {
    package let physical: any PhysicalStorage
    package let barrier: SecurityBarrier
    package let seal: SealManager
    package let mounts: MountManager
    package let router: MountRouter
    package let tokens: TokenStore
    package let pipeline: RequestPipeline

    /// - Parameter mountFactories: the mount types that can be enabled, by type name.
    package init(physical: any PhysicalStorage, mountFactories: [String: MountFactory]) {
        let barrier = SecurityBarrier(physical: physical)
        let router = MountRouter()
        let mounts = MountManager(barrier: barrier, router: router, factories: mountFactories)
        let tokens = TokenStore(barrier: barrier)
        let cluster = ClusterStore(barrier: barrier)

        let seal = SealManager(physical: physical, barrier: barrier, hooks: .init(
            setUp: { rootTokenID in
                try await tokens.load()
                try await mounts.load()
                try await cluster.create()
                let root = try await tokens.create(policies: ["root"], path: "auth/token/root", displayName: "root", id: rootTokenID)
                return root.id
            },
            postUnseal: {
                try await tokens.load()
                try await mounts.load()
            },
            preSeal: {
                await mounts.unload()
                await tokens.reset()
            }
        ))
        let system = SystemBackend(seal: seal, mounts: mounts, router: router, tokens: tokens, cluster: cluster)
        mounts.register(type: "system", backend: system)
        mounts.register(type: "token", backend: TokenBackend(tokens: tokens))

        self.physical = physical
        self.barrier = barrier
        self.seal = seal
        self.mounts = mounts
        self.router = router
        self.tokens = tokens
        self.pipeline = RequestPipeline(barrier: barrier, router: router, tokens: tokens, system: system)
    }

    package func handle(_ request: Request) async -> Response {
        await pipeline.handle(request)
    }

    /// What `server -dev` does: one key share, unsealed, a root token, KV v2 at `secret/`.
    package func startDev(rootTokenID: String?) async throws -> (unsealKey: [UInt8], rootToken: String) {
        let (keys, rootToken) = try await seal.initialize(shares: 1, threshold: 1, rootTokenID: rootTokenID)
        _ = try await seal.unseal(share: keys[0])
        try await mounts.enable(MountEntry.newSecrets(path: "secret/", type: "kv", description: "key/value secret storage", options: ["version": "2"]))
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
