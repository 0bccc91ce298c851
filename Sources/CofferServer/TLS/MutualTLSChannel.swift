import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// A TLS connection whose client certificate, if any, the listener's
/// `ClientCertificateCheck` judges, before the wrapped channel's own setup.
/// Hummingbird's `TLSChannel` takes no such check; this is the same two steps.
struct MutualTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let context: NIOSSLContext
    let check: ClientCertificateCheck

    init(_ base: Base, tls: TLSConfiguration, check: ClientCertificateCheck) throws {
        self.base = base
        self.context = try NIOSSLContext(configuration: tls)
        self.check = check
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let check = self.check
        let context = self.context
        let base = self.base
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                NIOSSLServerHandler(context: context, customVerificationCallbackWithMetadata: { check.verify($0, $1) }))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
