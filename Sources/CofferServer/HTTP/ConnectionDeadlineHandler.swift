import Logging
import NIOCore

/// Closes a connection whose client is too slow: one that opens and sends
/// nothing, trickles a header block, never finishes a body, or sits idle between
/// requests. The decisions are `ConnectionDeadlines`'; this handler feeds it
/// events and keeps its one timer.
///
/// It sits first in the connection's pipeline (after TLS), so it sees every
/// byte that arrives and every answer written; `VaultRequestHandler` tells it,
/// with outbound user events (`RequestProgress`), when a request's head and end
/// have been read.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How far the request being read has got; sent outbound by `VaultRequestHandler`.
    enum RequestProgress: Sendable {
        case headReceived
        case requestReceived
    }

    private var deadlines: ConnectionDeadlines
    /// Writes are followed only when a write timeout is set: a promise per answer
    /// is not worth its cost otherwise.
    private let followsWrites: Bool
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private var opened = false

    init(timeouts: ConnectionDeadlines.Timeouts, logger: Logger) {
        self.deadlines = ConnectionDeadlines(timeouts: timeouts)
        self.followsWrites = timeouts.write != nil
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { open() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        open()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        apply(.bytesArrived)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Every write is one whole answer (`VaultRequestHandler` writes each as one buffer).
        apply(.answerWritten)
        guard followsWrites else {
            context.write(data, promise: promise)
            return
        }
        let written = promise ?? context.eventLoop.makePromise()
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        written.futureResult.whenComplete { _ in handler.value.apply(.writeCompleted) }
        context.write(data, promise: written)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? RequestProgress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch progress {
        case .headReceived: apply(.headReceived)
        case .requestReceived: apply(.requestReceived)
        }
        promise?.succeed(())
    }

    private func open() {
        guard !opened else { return }
        opened = true
        apply(.opened)
    }

    private func apply(_ event: ConnectionDeadlines.Event) {
        guard let context else { return }
        switch deadlines.handle(event, at: .now()) {
        case .none:
            break
        case .armTimer(let deadline):
            timer?.cancel()
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(deadline: deadline) { handler.value.apply(.timerFired) }
        case .close(let reason):
            timer = nil
            logger.debug("closing a connection whose client was too slow", metadata: ["deadline": "\(reason.rawValue)"])
            context.close(promise: nil)
        }
    }
}
