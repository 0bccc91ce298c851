import Logging
import NIOCore
import NIOHTTP1

/// Answers the requests of one HTTP/1.1 connection, in the order they came.
///
/// A request is read whole (the API's bodies are small JSON objects), answered by
/// `VaultAPIResponder` in a task that runs on this connection's event loop, and
/// written back as one buffer. Requests a client pipelines meanwhile wait their
/// turn. Reading pauses while `maxWaiting` requests or `maxBufferedBytes` of
/// bodies wait, and while the socket takes no more output (a client that sends
/// without reading), so no connection holds more than that.
///
/// Once an answer says the connection closes (`Connection: close`, HTTP/1.0, an
/// upgrade request, shutdown), nothing after that request is read or answered.
/// A request the parser cannot read is answered with 400 after the answers
/// before it, and the connection closes.
///
/// It tells `ConnectionDeadlineHandler`, with outbound user events, when a
/// request's head and its end have been read: the connection's deadlines
/// follow those steps.
final class VaultRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let maxWaiting = 16
    /// Body bytes waiting on one connection before it stops reading.
    static let maxBufferedBytes = VaultAPIResponder.maxBodySize

    private struct Received: Sendable {
        var head: APIRequest
        /// Whether the connection may carry another request after this one.
        var keepAlive: Bool
        /// An HTTP/1.0 client keeps the connection only when told so.
        var saysKeepAlive: Bool
        var headOnly: Bool
        var body: ByteBuffer?
        var tooLarge = false

        init(_ head: HTTPRequestHead) {
            self.head = APIRequest(head)
            // NIO's parser stops at an upgrade request (and CONNECT): nothing after
            // it on this connection would ever be parsed, so it is the last.
            let upgrades = head.method == .CONNECT
                || head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
            keepAlive = head.isKeepAlive && !upgrades
            saysKeepAlive = keepAlive && head.version.minor == 0
            headOnly = head.method == .HEAD
        }
    }

    private let responder: VaultAPIResponder
    private let executor: EventLoopTaskExecutor
    private var context: ChannelHandlerContext?
    /// The client's address, read once per connection rather than per request.
    private var peer: String?
    private var receiving: Received?
    private var waiting = CircularBuffer<Received>()
    /// Body bytes held by `receiving` and `waiting`.
    private var bufferedBytes = 0
    private var answering = false
    private var readHeldBack = false
    private var quiescing = false
    /// Set once the connection is to close: no more input is taken.
    private var closing = false
    /// The parser failed: the requests before the failure are answered, then 400.
    private var unparseable = false

    init(responder: VaultAPIResponder, logger: Logger, eventLoop: any EventLoop) {
        self.responder = responder
        self.executor = EventLoopTaskExecutor(eventLoop: eventLoop)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        peer = context.channel.remoteAddress?.ipAddress
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing, !unparseable else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            receiving = Received(head)
            context.triggerUserOutboundEvent(ConnectionDeadlineHandler.RequestProgress.headReceived, promise: nil)
        case .body(var chunk):
            guard var request = receiving, !request.tooLarge else { return }
            receiving = nil  // so the buffer below is not shared, and grows in place
            let held = request.body?.readableBytes ?? 0
            if held + chunk.readableBytes > VaultAPIResponder.maxBodySize {
                request.tooLarge = true
                request.body = nil
                bufferedBytes -= held
            } else if request.body == nil {
                request.body = chunk
                bufferedBytes += chunk.readableBytes
            } else {
                bufferedBytes += chunk.readableBytes
                request.body!.writeBuffer(&chunk)
            }
            receiving = request
        case .end:
            guard let request = receiving else { return }
            receiving = nil
            waiting.append(request)
            context.triggerUserOutboundEvent(ConnectionDeadlineHandler.RequestProgress.requestReceived, promise: nil)
            answerNext(context)
        }
    }

    private var mayRead: Bool {
        !closing && !unparseable && waiting.count < Self.maxWaiting && bufferedBytes < Self.maxBufferedBytes
            && (context?.channel.isWritable ?? false)
    }

    func read(context: ChannelHandlerContext) {
        if mayRead {
            context.read()
        } else {
            readHeldBack = true
        }
    }

    private func resumeReadingIfHeld(_ context: ChannelHandlerContext) {
        if readHeldBack, mayRead {
            readHeldBack = false
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReadingIfHeld(context)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Graceful shutdown: finish what was asked, then close.
            quiescing = true
            if !answering, waiting.isEmpty, receiving == nil { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.close(promise: nil)
            return
        }
        // What Go and Hummingbird do with a request they cannot read: 400, then
        // close; here after answering the requests that came before it.
        unparseable = true
        receiving = nil
        if !answering, waiting.isEmpty { refuseUnparseable(context) }
    }

    private func refuseUnparseable(_ context: ChannelHandlerContext) {
        closing = true
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: HTTPAnswer.unparseable))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func answerNext(_ context: ChannelHandlerContext) {
        guard !answering, !closing, let request = waiting.popFirst() else { return }
        answering = true
        bufferedBytes -= request.body?.readableBytes ?? 0
        resumeReadingIfHeld(context)
        let responder = responder
        let peer = peer
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        Task(executorPreference: executor) {
            let answer: HTTPAnswer
            if request.tooLarge {
                answer = HTTPResponseWriter.bodyTooLarge
            } else {
                answer = await responder.answer(request.head, body: request.body ?? ByteBuffer(), peer: peer)
            }
            if loop.inEventLoop {
                handler.value.send(answer, for: request)
            } else {
                loop.execute { handler.value.send(answer, for: request) }
            }
        }
    }

    /// Writes an answer, then takes up the next request or closes.
    private func send(_ answer: HTTPAnswer, for request: Received) {
        answering = false
        guard let context, context.channel.isActive else { return }
        let closes = !request.keepAlive || (quiescing && waiting.isEmpty && receiving == nil)
        let bytes = answer.encoded(
            closing: closes, keepingAlive: !closes && request.saysKeepAlive, headOnly: request.headOnly, allocator: context.channel.allocator
        )
        guard closes else {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            if unparseable, waiting.isEmpty {
                refuseUnparseable(context)
            } else {
                answerNext(context)
            }
            return
        }
        // Whatever was sent after this request is neither read nor answered.
        closing = true
        waiting.removeAll()
        receiving = nil
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in channel.close(promise: nil) }
    }
}
