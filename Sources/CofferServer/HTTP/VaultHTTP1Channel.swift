import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle

/// An HTTP/1.1 connection of the Vault API: `ConnectionDeadlineHandler` (which
/// closes it when the client is too slow), `ListVerbRewriter`, NIO's HTTP/1
/// request parser, and `VaultRequestHandler`, which answers each request.
///
/// Hummingbird still runs the server (listening, TLS, graceful shutdown); what
/// this replaces is its per-connection
/// async loop over a `NIOAsyncChannel`, and the conversions to and from
/// HTTPTypes. Those cost about a fifth of a login's CPU; a channel handler that
/// starts one task per request and writes each answer as one buffer costs a
/// fraction of it.
struct VaultHTTP1Channel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let channel: any Channel
    }

    let responder: VaultAPIResponder
    let timeouts: ConnectionDeadlines.Timeouts
    /// On a listener that asks for client certificates: their chains, for resumed sessions.
    var presentedChains: PresentedChains? = nil

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ConnectionDeadlineHandler(timeouts: timeouts, logger: logger))
            try pipeline.addHandler(ListVerbRewriter())
            // NIO's parser reads requests; responses are written as bytes by the
            // handler, which answers in order and refuses what cannot be parsed.
            // The parser holds at most 1 MiB it has not turned into parts (a header
            // block is far smaller; bodies pass through as they arrive).
            try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes), maximumBufferSize: 1 << 20))
            try pipeline.addHandler(
                VaultRequestHandler(
                    responder: responder, logger: logger, eventLoop: channel.eventLoop, presentedChains: presentedChains))
            return Value(channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        try? await value.channel.closeFuture.get()
    }
}

/// Runs tasks' jobs on a NIO event loop, so a request's task runs on the loop
/// that reads and writes its connection instead of hopping to Swift's global
/// pool and back.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

extension VaultHTTP1Channel {
    /// A listener's server: Hummingbird accepts connections (up to the cap in
    /// `configuration`), adds TLS when given (with the listener's check of
    /// client certificates), and shuts down gracefully; each
    /// connection is a `VaultHTTP1Channel` answered by `responder`, closed when
    /// its client is slower than `limits` allow.
    static func makeServer(
        responder: VaultAPIResponder, tls: ListenerTLS?, limits: ConnectionLimits, configuration: ServerConfiguration,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void, logger: Logger
    ) throws -> any Service {
        var plain = VaultHTTP1Channel(responder: responder, timeouts: limits.deadlines)
        let group = EventLoopGroupProvider.singleton.eventLoopGroup
        guard let tls else {
            return plain.server(configuration: configuration, onServerRunning: onServerRunning, eventLoopGroup: group, logger: logger)
        }
        guard let check = tls.clientCertificates else {
            return try TLSChannel(plain, tlsConfiguration: tls.configuration)
                .server(configuration: configuration, onServerRunning: onServerRunning, eventLoopGroup: group, logger: logger)
        }
        plain.presentedChains = check.recentChains
        return try MutualTLSChannel(plain, tls: tls.configuration, check: check)
            .server(configuration: configuration, onServerRunning: onServerRunning, eventLoopGroup: group, logger: logger)
    }
}
