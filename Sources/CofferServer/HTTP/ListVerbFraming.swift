/// The framing state machine of `ListVerbRewriter`, as a plain value: bytes in,
/// bytes out. It scans for line ends rather than stepping byte by byte, and only
/// builds an output when a request line changes or is held back across reads.
///
/// It must never take body bytes for a request line: rewriting them would change
/// the body's length, and the parser would then start the next request in the
/// wrong place (request smuggling). So the header block is read whole by
/// `HeaderBlockScanner`, and whenever framing is in doubt (`Transfer-Encoding`,
/// a malformed `Content-Length`) nothing more on the connection is rewritten.
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
    private var headers = HeaderBlockScanner()
    private var bodyRemaining = 0

    /// A request line longer than this is passed on for the parser to refuse.
    private static let maxLineLength = 16 * 1024

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
                // Empty lines before a request are skipped by the parser too.
                if !Self.isEmptyLine(line) {
                    phase = .headers
                    headers = HeaderBlockScanner()
                }
            case .headers:
                let (end, outcome) = headers.scan(bytes, from: index)
                keep(index, end)
                index = end
                switch outcome {
                case nil:
                    break
                case .unsure:
                    phase = .passthrough
                case .body(let length):
                    bodyRemaining = length
                    phase = length > 0 ? .body : .requestLine
                }
            }
        }
        return output
    }

    private static func isEmptyLine(_ line: [UInt8]) -> Bool {
        line == [UInt8(ascii: "\n")] || line == [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
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
