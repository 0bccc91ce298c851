import NIOCore

/// Rewrites Vault's custom `LIST` verb to `GET ...?list=true` before NIO's HTTP
/// parser sees it: the parser knows a fixed set of methods and rejects `LIST`,
/// which hvac sends for every list call (spec/vault-api.md §1.4).
///
/// It follows HTTP/1.1 framing just enough to find where each request starts:
/// the request line, the headers (for Content-Length), and the body. A chunked
/// body stops all rewriting on that connection: Vault clients never send one.
final class ListVerbRewriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var state = ListVerbFraming()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let input = unwrapInboundIn(data)
        let output = state.process(Array(input.readableBytesView))
        // Nothing rewritten and nothing held back: pass the buffer on untouched.
        if !state.rewroteLast, output.count == input.readableBytes, output.elementsEqual(input.readableBytesView) {
            context.fireChannelRead(data)
            return
        }
        guard !output.isEmpty else { return }
        context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: output)))
    }
}

/// The framing state machine of `ListVerbRewriter`, as a plain value: bytes in,
/// bytes out.
struct ListVerbFraming {
    private enum State {
        case requestLine([UInt8])
        case headers(line: [UInt8], contentLength: Int, chunked: Bool)
        case body(remaining: Int)
        case passthrough
    }

    private var state = State.requestLine([])
    /// Whether the last `process` call changed a request line.
    private(set) var rewroteLast = false
    /// A request line longer than this is passed on for the parser to refuse.
    private static let maxLineLength = 16 * 1024

    mutating func process(_ bytes: [UInt8]) -> [UInt8] {
        rewroteLast = false
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            switch state {
            case .passthrough:
                output += bytes[index...]
                return output
            case .body(let remaining):
                let take = min(remaining, bytes.count - index)
                output += bytes[index..<(index + take)]
                index += take
                state = remaining - take == 0 ? .requestLine([]) : .body(remaining: remaining - take)
            case .requestLine(var line):
                let byte = bytes[index]
                index += 1
                line.append(byte)
                if byte == UInt8(ascii: "\n") {
                    let rewritten = Self.rewrite(line)
                    if rewritten != line { rewroteLast = true }
                    output += rewritten
                    // An empty line between requests is allowed; stay at request start.
                    state = line.count <= 2 ? .requestLine([]) : .headers(line: [], contentLength: 0, chunked: false)
                } else if line.count > Self.maxLineLength {
                    output += line
                    state = .passthrough
                } else {
                    state = .requestLine(line)
                }
            case .headers(var line, var contentLength, var chunked):
                let byte = bytes[index]
                index += 1
                output.append(byte)
                guard byte == UInt8(ascii: "\n") else {
                    if line.count < 8 * 1024 { line.append(byte) }
                    state = .headers(line: line, contentLength: contentLength, chunked: chunked)
                    continue
                }
                let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty {
                    state = chunked ? .passthrough : contentLength > 0 ? .body(remaining: contentLength) : .requestLine([])
                    continue
                }
                let lowered = text.lowercased()
                if lowered.hasPrefix("content-length:") {
                    contentLength = Int(lowered.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                } else if lowered.hasPrefix("transfer-encoding:") {
                    chunked = true
                }
                state = .headers(line: [], contentLength: contentLength, chunked: chunked)
            }
        }
        return output
    }

    /// Methods the HTTP parser knows and the API answers; any other becomes TRACE,
    /// which the API answers with Vault's 405 instead of the parser's bare 400.
    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"]

    /// `LIST /v1/x?a=b HTTP/1.1` becomes `GET /v1/x?list=true&a=b HTTP/1.1`.
    static func rewrite(_ line: [UInt8]) -> [UInt8] {
        guard let firstSpace = line.firstIndex(of: UInt8(ascii: " ")) else { return line }
        let method = String(decoding: line[..<firstSpace], as: UTF8.self)
        if method != "LIST" {
            guard !knownMethods.contains(method), method.allSatisfy({ $0.isLetter || $0 == "-" }) else { return line }
            return Array("TRACE".utf8) + line[firstSpace...]
        }
        let prefix = Array("LIST ".utf8)
        let rest = line[prefix.count...]
        guard let space = rest.firstIndex(of: UInt8(ascii: " ")) else { return line }
        let target = Array(rest[..<space])
        var rewritten = Array("GET ".utf8)
        if let question = target.firstIndex(of: UInt8(ascii: "?")) {
            rewritten += target[..<question] + Array("?list=true&".utf8) + target[(question + 1)...]
        } else {
            rewritten += target + Array("?list=true".utf8)
        }
        rewritten += rest[space...]
        return rewritten
    }
}

import Foundation
