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

/// The framing state machine of `ListVerbRewriter`, as a plain value: bytes in,
/// bytes out. It scans for line ends rather than stepping byte by byte, and only
/// builds an output when a request line changes or is held back across reads.
struct ListVerbFraming {
    private enum Phase {
        case requestLine
        case headers
        case body
        case passthrough
    }

    private var phase = Phase.requestLine
    /// The start of a request line whose end has not arrived yet, held back
    /// until the whole method is known.
    private var heldRequestLine: [UInt8] = []
    /// The start of a header line whose end has not arrived yet (already passed on).
    private var partialHeader: [UInt8] = []
    private var contentLength = 0
    private var chunked = false
    private var bodyRemaining = 0

    /// A request line longer than this is passed on for the parser to refuse.
    private static let maxLineLength = 16 * 1024
    /// Header lines are only inspected for their name; longer ones are cut here.
    private static let maxHeaderPrefix = 64

    /// The bytes to pass on in place of `bytes`, or nil when they are to pass
    /// unchanged.
    mutating func process(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        var output: [UInt8]? = nil
        var index = 0
        let count = bytes.count

        /// Passes `bytes[from..<to]` on unchanged.
        func keep(_ from: Int, _ to: Int) {
            if output != nil, from < to { output! += bytes[from..<to] }
        }
        /// Starts a changed output: everything before `position` went through unchanged.
        func diverge(at position: Int) {
            if output == nil { output = Array(bytes[0..<position]) }
        }

        while index < count {
            switch phase {
            case .passthrough:
                keep(index, count)
                index = count
            case .body:
                let take = min(bodyRemaining, count - index)
                keep(index, index + take)
                index += take
                bodyRemaining -= take
                if bodyRemaining == 0 { phase = .requestLine }
            case .requestLine:
                guard let newline = Self.firstNewline(in: bytes, from: index) else {
                    diverge(at: index)
                    heldRequestLine += bytes[index..<count]
                    if heldRequestLine.count > Self.maxLineLength {
                        output! += heldRequestLine
                        heldRequestLine = []
                        phase = .passthrough
                    }
                    index = count
                    continue
                }
                let end = newline + 1
                let wasHeld = !heldRequestLine.isEmpty
                var line = heldRequestLine
                line += bytes[index..<end]
                heldRequestLine = []
                if let rewritten = Self.rewrite(line) {
                    diverge(at: index)
                    output! += rewritten
                } else if wasHeld {
                    diverge(at: index)
                    output! += line
                } else {
                    keep(index, end)
                }
                index = end
                // An empty line between requests is allowed; stay at request start.
                if line.count > 2 {
                    phase = .headers
                    contentLength = 0
                    chunked = false
                }
            case .headers:
                guard let newline = Self.firstNewline(in: bytes, from: index) else {
                    let room = Self.maxHeaderPrefix - partialHeader.count
                    if room > 0 { partialHeader += bytes[index..<min(count, index + room)] }
                    keep(index, count)
                    index = count
                    continue
                }
                let rest = bytes[index..<min(newline, index + Self.maxHeaderPrefix)]
                if partialHeader.isEmpty {
                    headerLine(rest)
                } else {
                    headerLine(partialHeader + rest)
                    partialHeader = []
                }
                keep(index, newline + 1)
                index = newline + 1
            }
        }
        return output
    }

    /// Notes what a header line (without its `\n`) says about framing.
    private mutating func headerLine<Line: BidirectionalCollection<UInt8>>(_ line: Line) {
        if line.allSatisfy({ $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
            if chunked {
                phase = .passthrough
            } else if contentLength > 0 {
                bodyRemaining = contentLength
                phase = .body
            } else {
                phase = .requestLine
            }
        } else if let value = Self.value(of: "content-length:", in: line) {
            contentLength = Int(String(decoding: value, as: UTF8.self)) ?? 0
        } else if Self.value(of: "transfer-encoding:", in: line) != nil {
            chunked = true
        }
    }

    /// The trimmed value of a header line whose name is `name` (lowercase, with
    /// its colon), compared without regard to ASCII case.
    private static func value<Line: BidirectionalCollection<UInt8>>(of name: StaticString, in line: Line) -> Line.SubSequence? {
        let length = name.utf8CodeUnitCount
        guard line.count >= length else { return nil }
        let matches = name.withUTF8Buffer { expected in
            zip(expected, line).allSatisfy { wanted, byte in
                wanted == byte || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && wanted == byte + 32)
            }
        }
        guard matches else { return nil }
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") }
        var value = line.dropFirst(length)
        while let first = value.first, isSpace(first) { value = value.dropFirst() }
        while let last = value.last, isSpace(last) { value = value.dropLast() }
        return value
    }

    private static func firstNewline(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") { return index }
            index += 1
        }
        return nil
    }

    /// Methods the HTTP parser knows and the API answers; any other becomes TRACE,
    /// which the API answers with Vault's 405 instead of the parser's bare 400.
    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"]

    /// `LIST /v1/x?a=b HTTP/1.1` becomes `GET /v1/x?list=true&a=b HTTP/1.1`; nil
    /// when the line stays as it is.
    static func rewrite(_ line: [UInt8]) -> [UInt8]? {
        // The usual methods, checked on bytes before any string is made.
        for common in ["GET ", "POST ", "PUT ", "DELETE ", "HEAD "] where line.starts(with: common.utf8) { return nil }
        guard let firstSpace = line.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        let method = String(decoding: line[..<firstSpace], as: UTF8.self)
        if method != "LIST" {
            guard !knownMethods.contains(method), method.allSatisfy({ $0.isLetter || $0 == "-" }) else { return nil }
            return Array("TRACE".utf8) + line[firstSpace...]
        }
        let rest = line[(firstSpace + 1)...]
        guard let space = rest.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        let target = rest[..<space]
        var rewritten = Array("GET ".utf8)
        if let question = target.firstIndex(of: UInt8(ascii: "?")) {
            rewritten += target[..<question]
            rewritten += "?list=true&".utf8
            rewritten += target[(question + 1)...]
        } else {
            rewritten += target
            rewritten += "?list=true".utf8
        }
        rewritten += rest[space...]
        return rewritten
    }
}

extension ListVerbFraming {
    /// The bytes to pass on for `bytes`, changed or not.
    mutating func process(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { process($0) } ?? bytes
    }
}
