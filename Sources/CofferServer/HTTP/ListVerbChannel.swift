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

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
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
