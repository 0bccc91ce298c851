import Logging
import NIOCore
import NIOHTTP1

/// Answers the requests of one HTTP/1.1 connection, in the order they came.
///
/// A request is read whole (the API's bodies are small JSON objects), answered by
/// `VaultAPIResponder` in a task that runs on this connection's event loop, and
/// written back as one buffer. Requests a client pipelines meanwhile wait their
/// turn; once `maxWaiting` wait, the handler stops reading until one is answered.
final class VaultRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// OpenBao's default request size limit (spec §1.6).
    static let maxBodySize = 32 * 1024 * 1024
    static let maxWaiting = 16

    private struct Received: Sendable {
        var head: APIRequest
        var keepAlive: Bool
        /// An HTTP/1.0 client keeps the connection only when told so.
        var saysKeepAlive: Bool
        var headOnly: Bool
        var body: ByteBuffer?
        var tooLarge = false
    }

    private let responder: VaultAPIResponder
    private let executor: EventLoopTaskExecutor
    private var context: ChannelHandlerContext?
    /// The client's address, read once per connection rather than per request.
    private var peer: String?
    private var receiving: Received?
    private var waiting = CircularBuffer<Received>()
    private var answering = false
    private var readHeldBack = false
    private var quiescing = false

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
        switch unwrapInboundIn(data) {
        case .head(let head):
            receiving = Received(
                head: APIRequest(head), keepAlive: head.isKeepAlive,
                saysKeepAlive: head.isKeepAlive && head.version.minor == 0, headOnly: head.method == .HEAD
            )
        case .body(var chunk):
            guard var request = receiving, !request.tooLarge else { return }
            receiving = nil  // so the buffer below is not shared, and grows in place
            if (request.body?.readableBytes ?? 0) + chunk.readableBytes > Self.maxBodySize {
                request.tooLarge = true
                request.body = nil
            } else if request.body == nil {
                request.body = chunk
            } else {
                request.body!.writeBuffer(&chunk)
            }
            receiving = request
        case .end:
            guard let request = receiving else { return }
            receiving = nil
            waiting.append(request)
            answerNext(context)
        }
    }

    /// Reads on only while few requests wait, so a client cannot queue without bound.
    func read(context: ChannelHandlerContext) {
        if waiting.count >= Self.maxWaiting {
            readHeldBack = true
        } else {
            context.read()
        }
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
        guard error is HTTPParserError, !answering else {
            context.close(promise: nil)
            return
        }
        // What Hummingbird does with a request it cannot parse: 400, then close.
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: HTTPAnswer.unparseable))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func answerNext(_ context: ChannelHandlerContext) {
        guard !answering, let request = waiting.popFirst() else { return }
        answering = true
        if readHeldBack {
            readHeldBack = false
            context.read()
        }
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
        guard let context else { return }
        let closes = !request.keepAlive || (quiescing && waiting.isEmpty && receiving == nil)
        let bytes = answer.encoded(
            closing: closes, keepingAlive: !closes && request.saysKeepAlive, headOnly: request.headOnly, allocator: context.channel.allocator
        )
        guard closes else {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            answerNext(context)
            return
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in channel.close(promise: nil) }
    }
}
