/// Reads a request's header block byte by byte, however it is split across
/// reads and however long its lines are, for the one thing `ListVerbFraming`
/// needs to know: how long the body is.
///
/// It reads the block as NIO's parser does (llhttp, strict: names compared
/// without regard to case, `Content-Length` one run of digits between optional
/// spaces or tabs), and answers `.unsure` for anything it cannot vouch for:
/// `Transfer-Encoding`, a second or malformed `Content-Length`, a folded line,
/// a byte no header name may hold, a lone CR. The rewriter then stops rewriting
/// on that connection. That can only turn a later `LIST` into the parser's 400;
/// reading body bytes as a request (and so changing them, which shifts where the
/// parser thinks the next request starts: request smuggling) cannot happen.
struct HeaderBlockScanner {
    /// What the header block says about the body once it has ended.
    enum Outcome: Equatable {
        /// The block ended; a body of this many bytes follows (0: none).
        case body(length: Int)
        /// Framing the scanner will not vouch for.
        case unsure
    }

    private enum State {
        /// At the start of a line: a name, or the empty line that ends the block.
        case lineStart
        /// Within a header name, `count` bytes in.
        case name(count: Int)
        /// After the CR of an empty line: only LF may follow.
        case blockEndCR
        /// Within the value of `Content-Length`.
        case contentLength(ContentLengthValue)
        /// Within any other value, skipped up to its line end.
        case otherValue
        /// After a CR that ends a value: only LF may follow.
        case valueCR
    }

    /// Where a `Content-Length` value has got to.
    private enum ContentLengthValue {
        case leadingSpace
        case digits(Int)
        case trailingSpace(Int)
    }

    private static let contentLengthName = Array("content-length".utf8)
    private static let transferEncodingName = Array("transfer-encoding".utf8)
    /// Far above the 32 MiB any body may have, far below `Int.max`: a longer
    /// value is unsure (llhttp refuses one that overflows 64 bits; anything in
    /// between makes the API answer 413 long before that many bytes arrive).
    private static let maxContentLength = 1 << 50

    private var state = State.lineStart
    /// Whether the name read so far may still be `Content-Length` / `Transfer-Encoding`.
    private var mayBeContentLength = true
    private var mayBeTransferEncoding = true
    private var contentLength: Int?

    /// Reads `bytes` from `start`. Returns the index just past the block's final
    /// LF with the outcome, or `bytes.count` and nil when the block goes on in a
    /// later read (or the outcome is `.unsure`, known before the block ends).
    mutating func scan(_ bytes: UnsafeRawBufferPointer, from start: Int) -> (end: Int, outcome: Outcome?) {
        var index = start
        while index < bytes.count {
            if case .otherValue = state {
                // Most bytes are in values nobody needs: skip to the line's end.
                while index < bytes.count, bytes[index] != Self.cr, bytes[index] != Self.lf { index += 1 }
                if index == bytes.count { break }
            }
            let byte = bytes[index]
            index += 1
            switch step(byte) {
            case .more: continue
            case .done(let outcome): return (index, outcome)
            }
        }
        return (bytes.count, nil)
    }

    private enum Step {
        case more
        case done(Outcome)
    }

    private static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), colon = UInt8(ascii: ":")

    private mutating func step(_ byte: UInt8) -> Step {
        switch state {
        case .lineStart:
            if byte == Self.cr {
                state = .blockEndCR
            } else if byte == Self.lf {
                return endOfBlock()
            } else if Self.isTokenByte(byte) {
                mayBeContentLength = true
                mayBeTransferEncoding = true
                state = .name(count: 0)
                return step(byte)
            } else {
                // A folded line (leading space or tab), or a name llhttp refuses.
                return .done(.unsure)
            }
        case .blockEndCR:
            guard byte == Self.lf else { return .done(.unsure) }
            return endOfBlock()
        case .name(let count):
            if byte == Self.colon {
                guard count > 0 else { return .done(.unsure) }
                if mayBeContentLength, count == Self.contentLengthName.count {
                    // llhttp refuses a second Content-Length; do not guess which it would take.
                    guard contentLength == nil else { return .done(.unsure) }
                    state = .contentLength(.leadingSpace)
                } else if mayBeTransferEncoding, count == Self.transferEncodingName.count {
                    // Chunked (or any) transfer coding: not followed here; Vault clients never send one.
                    return .done(.unsure)
                } else {
                    state = .otherValue
                }
                return .more
            }
            guard Self.isTokenByte(byte) else { return .done(.unsure) }
            let folded = Self.isLetter(byte) ? byte | 0x20 : byte  // ASCII lower case
            mayBeContentLength =
                mayBeContentLength && count < Self.contentLengthName.count
                && Self.contentLengthName[count] == folded
            mayBeTransferEncoding =
                mayBeTransferEncoding && count < Self.transferEncodingName.count
                && Self.transferEncodingName[count] == folded
            state = .name(count: count + 1)
        case .contentLength(let value):
            return contentLengthStep(byte, value)
        case .otherValue:
            if byte == Self.cr {
                state = .valueCR
            } else if byte == Self.lf {
                state = .lineStart
            }
        case .valueCR:
            // A CR that does not end the line: llhttp refuses it; do not guess.
            guard byte == Self.lf else { return .done(.unsure) }
            state = .lineStart
        }
        return .more
    }

    private mutating func contentLengthStep(_ byte: UInt8, _ value: ContentLengthValue) -> Step {
        let isBlank = byte == Self.space || byte == Self.tab
        let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
        switch value {
        case .leadingSpace:
            if isBlank { return .more }
            guard let digit else { return .done(.unsure) }  // empty, signed or not a number
            state = .contentLength(.digits(digit))
        case .digits(let sofar):
            if let digit {
                let next = sofar * 10 + digit
                guard next <= Self.maxContentLength else { return .done(.unsure) }
                state = .contentLength(.digits(next))
            } else {
                return contentLengthEnd(byte, length: sofar, isBlank: isBlank)
            }
        case .trailingSpace(let length):
            return contentLengthEnd(byte, length: length, isBlank: isBlank)
        }
        return .more
    }

    /// A byte after the digits: spaces, then the line end; anything else is unsure.
    private mutating func contentLengthEnd(_ byte: UInt8, length: Int, isBlank: Bool) -> Step {
        if isBlank {
            state = .contentLength(.trailingSpace(length))
        } else if byte == Self.cr || byte == Self.lf {
            contentLength = length
            state = byte == Self.cr ? .valueCR : .lineStart
        } else {
            return .done(.unsure)
        }
        return .more
    }

    private mutating func endOfBlock() -> Step {
        let length = contentLength ?? 0
        self = HeaderBlockScanner()
        return .done(.body(length: length))
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    /// RFC 9110 `tchar`: the bytes a header name may hold.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        if isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) { return true }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
