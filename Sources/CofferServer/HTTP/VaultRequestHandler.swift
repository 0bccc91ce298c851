import CofferMountKit
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// Answers the requests of one HTTP/1.1 connection, in the order they came.
///
/// A request is read whole (the API's bodies are small JSON objects), answered by
/// `VaultAPIResponder` in a task that runs on this connection's event loop, and
/// written back as one buffer. What may happen when (pipelining, closing,
/// back-pressure, refusals) is decided by `StateMachine`; this handler tells it
/// what the channel did and then does what it answers.
///
/// It tells `ConnectionDeadlineHandler`, with outbound user events, when a
/// request's head and its end have been read: the connection's deadlines
/// follow those steps.
final class VaultRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let responder: VaultAPIResponder
    private let executor: EventLoopTaskExecutor
    private var context: ChannelHandlerContext?
    /// The client's address, read once per connection rather than per request.
    private var peer: String?
    /// The certificates the client presented (nil: none, or plain HTTP), read
    /// at its first request, once the handshake is done.
    private var peerCertificates: PeerCertificates?
    private var peerCertificatesRead = false
    /// On a listener that asks for client certificates: chains for resumed sessions.
    private let presentedChains: PresentedChains?
    private var state = StateMachine()

    init(responder: VaultAPIResponder, logger: Logger, eventLoop: any EventLoop, presentedChains: PresentedChains? = nil) {
        self.responder = responder
        self.presentedChains = presentedChains
        self.executor = EventLoopTaskExecutor(eventLoop: eventLoop)
        state.clientCertificateHeader = responder.forwardedClientCertificate?.header
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        peer = context.channel.remoteAddress?.ipAddress
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if state.headReceived(head) {
                context.triggerUserOutboundEvent(ConnectionDeadlineHandler.RequestProgress.headReceived, promise: nil)
            }
        case .body(let chunk):
            state.bodyReceived(chunk)
        case .end:
            guard let next = state.endReceived() else { return }
            context.triggerUserOutboundEvent(ConnectionDeadlineHandler.RequestProgress.requestReceived, promise: nil)
            perform(next, context)
        }
    }

    func read(context: ChannelHandlerContext) {
        if state.readRequested() { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if state.writabilityChanged(isWritable: context.channel.isWritable) { context.read() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.channelClosed()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            perform(state.quiesce(), context)
        case ChannelEvent.inputClosed:
            // The server allows half-closure (Hummingbird sets it): the client's
            // FIN arrives as this event, not as the channel going inactive.
            perform(state.inputClosed(), context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.close(promise: nil)
            return
        }
        // What Go and Hummingbird do with a request they cannot read: 400, then
        // close; here after answering the requests that came before it.
        perform(state.parserFailed(), context)
    }

    private func perform(_ next: StateMachine.Next, _ context: ChannelHandlerContext) {
        switch next {
        case .wait:
            break
        case .answer(let request, let resumeReading):
            if resumeReading { context.read() }
            readPeerCertificates(context)
            answer(request, on: context.eventLoop)
        case .refuseUnparseable:
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: HTTPAnswer.unparseable))).whenComplete { _ in
                channel.close(promise: nil)
            }
        case .close:
            context.close(promise: nil)
        }
    }

    private func readPeerCertificates(_ context: ChannelHandlerContext) {
        guard !peerCertificatesRead else { return }
        peerCertificatesRead = true
        // Throws on plain HTTP (no TLS handler): no certificates.
        if let chain = try? context.pipeline.syncOperations.nioSSL_peerValidatedCertificateChain() {
            peerCertificates = PeerCertificates(presented: Array(chain))
            return
        }
        // A resumed TLS session: the session keeps the leaf, the check did not
        // run again; the rest of the chain is the one presented with that leaf.
        guard let presentedChains, let leaf = try? context.pipeline.syncOperations.nioSSL_peerCertificate(),
            let der = try? leaf.toDERBytes()
        else { return }
        peerCertificates = PeerCertificates(der: presentedChains.chain(resuming: der), isForwarded: false)
    }

    /// Answers `request` in a task on the connection's event loop, then writes the answer.
    private func answer(_ request: StateMachine.Request, on loop: any EventLoop) {
        let responder = responder
        let peer = peer
        let certificates = peerCertificates
        let handler = NIOLoopBound(self, eventLoop: loop)
        Task(executorPreference: executor) {
            let answer: HTTPAnswer
            if request.tooLarge {
                answer = HTTPResponseWriter.bodyTooLarge
            } else {
                answer = await responder.answer(
                    request.head, body: request.body ?? ByteBuffer(), peer: peer, peerCertificates: certificates)
            }
            if loop.inEventLoop {
                handler.value.send(answer)
            } else {
                loop.execute { handler.value.send(answer) }
            }
        }
    }

    /// Writes an answer, then takes up the next request or closes.
    private func send(_ answer: HTTPAnswer) {
        guard let context, context.channel.isActive else {
            state.channelClosed()
            return
        }
        guard let write = state.answerReady() else { return }
        let bytes = answer.encoded(
            closing: write.closing, keepingAlive: write.keepingAlive, headOnly: write.headOnly, allocator: context.channel.allocator
        )
        guard write.closing else {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            perform(state.answerWritten(), context)
            return
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in channel.close(promise: nil) }
    }
}
