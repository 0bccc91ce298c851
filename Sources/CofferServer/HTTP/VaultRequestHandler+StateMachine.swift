import NIOCore
import NIOHTTP1

extension VaultRequestHandler {
    /// The requests of one connection and what may happen next, as a plain value:
    /// the handler tells it what the channel did, and does what it answers.
    ///
    /// It keeps the rules of the connection: answers go out in the order the
    /// requests came, one at a time; nothing after a request whose answer closes
    /// the connection is carried out; a request the parser cannot read is
    /// refused after the answers before it; and reading pauses while
    /// `maxWaiting` requests or `maxBufferedBytes` of bodies wait, or while the
    /// socket takes no more output (a client that sends without reading), so no
    /// connection holds more than that.
    struct StateMachine {
        /// The largest request body taken: 32 MiB, OpenBao's default (spec §1.6).
        static let maxBodySize = 32 * 1024 * 1024
        /// Requests read and waiting for their turn before the connection stops reading.
        static let maxWaiting = 16
        /// Body bytes waiting on one connection before it stops reading.
        static let maxBufferedBytes = maxBodySize
        /// The listener's `x_forwarded_for_client_cert_header`, read from each request's head.
        var clientCertificateHeader: String?

        /// How a request's answer goes on the wire, fixed when its head is read.
        struct Framing: Equatable, Sendable {
            /// Whether the connection may carry another request after this one.
            var keepAlive: Bool
            /// An HTTP/1.0 client keeps the connection only when told so.
            var saysKeepAlive: Bool
            /// A `HEAD` request: the answer's head alone is written.
            var headOnly: Bool

            init(_ head: HTTPRequestHead) {
                // NIO's parser stops at an upgrade request (and CONNECT): nothing after
                // it on this connection would ever be parsed, so it is the last.
                let upgrades =
                    head.method == .CONNECT
                    || head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
                keepAlive = head.isKeepAlive && !upgrades
                saysKeepAlive = keepAlive && head.version.minor == 0
                headOnly = head.method == .HEAD
            }
        }

        /// A request read whole, or refused whole when its body was too large.
        struct Request: Equatable, Sendable {
            var head: APIRequest
            var framing: Framing
            var body: ByteBuffer?
            var tooLarge = false
        }

        /// What the handler does after an event.
        enum Next: Equatable {
            /// Nothing: an answer is under way, or no request waits.
            case wait
            /// Answer `request`, asking the channel for more bytes first when
            /// reading was held back and may go on.
            case answer(Request, resumeReading: Bool)
            /// Write the 400 for a request the parser could not read, then close.
            case refuseUnparseable
            /// Close the connection.
            case close
        }

        /// How to write the answer now ready: `closing` ends the connection after it.
        struct AnswerWrite: Equatable {
            var closing: Bool
            var keepingAlive: Bool
            var headOnly: Bool
        }

        private var receiving: Request?
        private var waiting = CircularBuffer<Request>()
        /// Body bytes held by `receiving` and `waiting`.
        private(set) var bufferedBytes = 0
        /// The framing of the request being answered, if one is.
        private var answering: Framing?
        private var readHeldBack = false
        private var writable = true
        private var quiescing = false
        /// Set once the connection is to close: no more input is taken.
        private var closing = false
        /// The parser failed: the requests before the failure are answered, then 400.
        private var unparseable = false

        init() {}

        /// Whether the channel may be asked for more bytes now.
        var mayRead: Bool {
            !closing && !unparseable && writable && waiting.count < Self.maxWaiting && !bodiesFull
        }

        /// Bodies fill the connection's share only while a request waits: taking
        /// it up frees its bytes and reading resumes. A body still arriving is
        /// never over `maxBodySize` alone, and waiting for it to shrink would
        /// wait forever (one of exactly 32 MiB stalled a connection until its
        /// read deadline).
        private var bodiesFull: Bool {
            bufferedBytes >= Self.maxBufferedBytes && !waiting.isEmpty
        }

        /// Whether an answer is under way.
        var isAnswering: Bool { answering != nil }
    }
}

extension VaultRequestHandler.StateMachine {
    // MARK: Reading

    /// A request's head arrived. False when the connection takes no more input;
    /// true when the request was started (and the deadlines are to hear of it).
    mutating func headReceived(_ head: HTTPRequestHead) -> Bool {
        guard !closing, !unparseable else { return false }
        receiving = Request(head: APIRequest(head, clientCertificateHeader: clientCertificateHeader), framing: Framing(head))
        return true
    }

    /// A piece of the body arrived. A body past `maxBodySize` is dropped as it
    /// comes and the request is refused whole once it ends.
    mutating func bodyReceived(_ chunk: ByteBuffer) {
        // No copy of `receiving` is bound here: a second reference to its body
        // would make every append copy the whole body.
        guard !closing, !unparseable, receiving?.tooLarge == false else { return }
        var chunk = chunk
        let held = receiving?.body?.readableBytes
        if (held ?? 0) + chunk.readableBytes > Self.maxBodySize {
            receiving?.tooLarge = true
            receiving?.body = nil
            bufferedBytes -= held ?? 0
        } else if held == nil {
            receiving?.body = chunk
            bufferedBytes += chunk.readableBytes
        } else {
            // Appended in place: `receiving` holds the only reference to the buffer.
            bufferedBytes += chunk.readableBytes
            receiving?.body?.writeBuffer(&chunk)
        }
    }

    /// The end of a request arrived: nil when the connection takes no more input;
    /// otherwise the request waits its turn (the deadlines are to hear of it) and
    /// `Next` says whether to start on it.
    mutating func endReceived() -> Next? {
        guard !closing, !unparseable, let request = receiving else { return nil }
        receiving = nil
        waiting.append(request)
        return takeNext()
    }

    /// The channel would read: true to let it, false to hold the read back until
    /// a request is taken up or the socket drains.
    mutating func readRequested() -> Bool {
        guard mayRead else {
            readHeldBack = true
            return false
        }
        return true
    }

    /// The socket started or stopped taking output: true to read again now.
    mutating func writabilityChanged(isWritable: Bool) -> Bool {
        writable = isWritable
        return resumeReadingIfHeld()
    }

    /// The parser could not read the input: the requests before it are still
    /// answered, then the 400 goes out.
    mutating func parserFailed() -> Next {
        unparseable = true
        bufferedBytes -= receiving?.body?.readableBytes ?? 0
        receiving = nil
        guard answering == nil, waiting.isEmpty else { return .wait }
        return refuse()
    }

    // MARK: Answering

    /// The answer to the request being answered is ready: how to write it, or nil
    /// when the connection has gone meanwhile. Once the answer says the
    /// connection closes, whatever was sent after its request is dropped unread.
    mutating func answerReady() -> AnswerWrite? {
        guard let framing = answering else { return nil }
        answering = nil
        guard !closing else { return nil }
        let closes = !framing.keepAlive || (quiescing && waiting.isEmpty && receiving == nil)
        if closes {
            closing = true
            waiting.removeAll()
            receiving = nil
            bufferedBytes = 0
        }
        return AnswerWrite(closing: closes, keepingAlive: !closes && framing.saysKeepAlive, headOnly: framing.headOnly)
    }

    /// An answer that keeps the connection open has been written: on to the next
    /// request, or the refusal of one the parser could not read.
    mutating func answerWritten() -> Next {
        guard !closing else { return .wait }
        if unparseable, waiting.isEmpty { return refuse() }
        return takeNext()
    }

    // MARK: Ending

    /// Graceful shutdown: what was asked is finished, then the connection closes.
    mutating func quiesce() -> Next {
        quiescing = true
        guard answering == nil, waiting.isEmpty, receiving == nil else { return .wait }
        return .close
    }

    /// The client will send nothing more (it closed or half-closed its side):
    /// the requests it sent whole are answered, one it sent only part of never
    /// will be, then the connection closes. Without this, a client that closes
    /// after its answer left the connection, and its descriptor, open until the
    /// idle timeout.
    mutating func inputClosed() -> Next {
        if let partial = receiving {
            bufferedBytes -= partial.body?.readableBytes ?? 0
            receiving = nil
        }
        return quiesce()
    }

    /// The connection has closed: nothing waiting is answered, no answer written.
    mutating func channelClosed() {
        closing = true
        answering = nil
        waiting.removeAll()
        receiving = nil
        bufferedBytes = 0
    }

    private mutating func takeNext() -> Next {
        guard answering == nil, !closing, let request = waiting.popFirst() else { return .wait }
        answering = request.framing
        bufferedBytes -= request.body?.readableBytes ?? 0
        return .answer(request, resumeReading: resumeReadingIfHeld())
    }

    private mutating func resumeReadingIfHeld() -> Bool {
        guard readHeldBack, mayRead else { return false }
        readHeldBack = false
        return true
    }

    private mutating func refuse() -> Next {
        closing = true
        return .refuseUnparseable
    }
}
