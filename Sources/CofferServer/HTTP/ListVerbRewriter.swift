import NIOCore

/// Rewrites Vault's custom `LIST` verb to `GET ...?list=true` before NIO's HTTP
/// parser sees it: the parser knows a fixed set of methods and rejects `LIST`,
/// which hvac sends for every list call (spec/vault-api.md §1.4).
///
/// It follows HTTP/1.1 framing to find where each request starts: the request
/// line, the whole header block (for Content-Length), and the body
/// (`ListVerbFraming`). A chunked body, or any framing in doubt, stops all
/// rewriting on that connection: Vault clients never send one.
final class ListVerbRewriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var framing = ListVerbFraming()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let input = unwrapInboundIn(data)
        // Most reads need no change: the buffer then goes on untouched, uncopied.
        guard let changed = input.withUnsafeReadableBytes({ framing.process($0) }) else {
            context.fireChannelRead(data)
            return
        }
        guard !changed.isEmpty else { return }
        context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: changed)))
    }
}
