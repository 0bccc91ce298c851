import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import HummingbirdTLS

/// An HTTP/1 child channel with `ListVerbRewriter` in front of the HTTP parser.
struct ListVerbChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ListVerbRewriter())
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        // The connection's requests run on the event loop that reads and writes its
        // socket, not hopping to Swift's global pool and back for each request.
        await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoop: value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}

/// Runs tasks' jobs on a NIO event loop.
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

extension HTTPServerBuilder {
    /// HTTP/1.1 that also accepts the `LIST` verb, optionally over TLS.
    static func vaultHTTP1(tls: TLSConfiguration? = nil) throws -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            let plain = ListVerbChannel(base: HTTP1Channel(responder: responder))
            guard let tls else { return plain }
            return try TLSChannel(plain, tlsConfiguration: tls)
        }
    }
}
