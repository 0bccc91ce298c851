import CofferEncoding
import CofferMountKit
import Foundation
import NIOCore

/// The aws secrets engine: short-lived AWS credentials per request (Vault's
/// `aws` secrets engine). An `iam_user` role makes an IAM user with a key,
/// leased and removed when the lease ends; the STS roles (`assumed_role`,
/// `federation_token`, `session_token`) hand out STS credentials, which
/// expire by themselves and cannot be revoked.
///
/// Layout in the mount's view: `config/root` (the IAM key, never read back),
/// `config/lease`, `role/<name>`, and `wal/user/<name>`: a user being made,
/// written before CreateUser and deleted once it is made or removed, so a
/// user a crash or an unreachable IAM left half-made is found and removed by
/// the sweep.
package struct AWSSecretsMount: Mount {
    let storage: StorageView
    let clock: @Sendable () -> Date
    /// The deadline of one IAM or STS call.
    let callTimeout: TimeAmount
    /// One root rotation at a time: two at once would each delete the key the other made.
    let rootLock = KeyedLock()
    /// Removes half-made users; nil in the copy the ticker itself runs on.
    private(set) var sweeper: MountTicker?

    /// How old a half-made user's record must be before the sweep removes the
    /// user (Vault's 5 minutes): a creation in flight is never swept, and IAM
    /// has long shown a user made that long ago.
    static let sweepAge: TimeInterval = 300

    package init(storage: StorageView, clock: @escaping @Sendable () -> Date = Date.init, sweeps: Bool = true) {
        self.storage = storage
        self.clock = clock
        callTimeout = AWSAPIClient.defaultTimeout
        guard sweeps else { return }
        let worker = AWSSecretsMount(storage: storage, clock: clock, sweeps: false)
        sweeper = MountTicker(every: 60) { await worker.sweepHalfMadeUsers() }
    }

    package static let factory: MountFactory = { context in AWSSecretsMount(storage: context.storage, clock: context.clock) }

    package func handle(_ request: MountRequest) async throws -> MountResponse {
        try await Self.paths.handle(request, owner: self)
    }

    package func exists(_ request: MountRequest) async throws -> Bool? {
        try await Self.paths.exists(request, owner: self)
    }

    package func help(_ path: String) -> PathHelp? { Self.paths.help(path) }

    func loadRootConfig() async throws -> AWSRootConfig? {
        try await storage.getJSON(AWSRootConfig.self, "config/root")
    }

    /// The root config, or the error a credential request gets without one.
    func requireRootConfig() async throws -> AWSRootConfig {
        guard let config = try await loadRootConfig() else {
            throw MountError.badRequest("no root credentials configured: write access_key and secret_key to config/root first")
        }
        return config
    }

    func loadLeaseConfig() async throws -> AWSLeaseConfig? {
        try await storage.getJSON(AWSLeaseConfig.self, "config/lease")
    }

    func loadRole(_ name: String) async throws -> AWSSecretsRole? {
        try await storage.getJSON(AWSSecretsRole.self, "role/" + name)
    }

    func client(_ config: AWSRootConfig) -> AWSAPIClient {
        AWSAPIClient(retries: config.retries, timeout: callTimeout)
    }

    /// An AWS failure as the client sees it: AWS's refusal is the request's
    /// fault (400, with AWS's code and message); no answer at all is ours (500).
    static func failed(_ what: String, _ failure: AWSAPIClient.Failure) -> MountError {
        failure.awsCode == nil
            ? MountError.internal("\(what): \(failure.description)") : MountError.badRequest("\(what): \(failure.description)")
    }
}
