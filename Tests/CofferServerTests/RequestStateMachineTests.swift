import HTTPTypes
import NIOCore
import NIOHTTP1
import Testing

@testable import CofferServer

/// The rules of a connection (`VaultRequestHandler.StateMachine`), without a
/// channel: what the channel did in, what the handler is to do out.
@Suite struct RequestStateMachineTests {
    typealias Machine = VaultRequestHandler.StateMachine

    static func head(_ uri: String, _ method: HTTPMethod = .GET, version: HTTPVersion = .http1_1, _ headers: [(String, String)] = [])
        -> HTTPRequestHead
    {
        HTTPRequestHead(version: version, method: method, uri: uri, headers: HTTPHeaders(headers))
    }

    /// Reads a whole request (head, body if any, end) and says what follows.
    static func receive(_ machine: inout Machine, _ head: HTTPRequestHead, body: ByteBuffer? = nil) -> Machine.Next? {
        let taken = machine.headReceived(head)
        #expect(taken)
        if let body { machine.bodyReceived(body) }
        return machine.endReceived()
    }

    /// The path of the request `next` says to answer, nil when it says anything else.
    static func answered(_ next: Machine.Next?) -> String? {
        guard case .answer(let request, _)? = next else { return nil }
        return request.head.path
    }

    static let keepOpen = Machine.AnswerWrite(closing: false, keepingAlive: false, headOnly: false)

    @Test("pipelined requests are answered one at a time, in the order they came")
    func pipelining() {
        var machine = Machine()
        let first = Self.receive(&machine, Self.head("/v1/a"))
        let second = Self.receive(&machine, Self.head("/v1/b"))
        let third = Self.receive(&machine, Self.head("/v1/c", .POST), body: ByteBuffer(string: "{}"))
        #expect(Self.answered(first) == "/v1/a" && second == .wait && third == .wait)
        for expected in ["/v1/b", "/v1/c"] {
            let write = machine.answerReady()
            let next = machine.answerWritten()
            #expect(write == Self.keepOpen && Self.answered(next) == expected)
        }
        let write = machine.answerReady()
        let next = machine.answerWritten()
        #expect(write == Self.keepOpen && next == .wait)
        #expect(!machine.isAnswering && machine.bufferedBytes == 0)
    }

    @Test("nothing sent after a request with Connection: close is carried out")
    func connectionClose() {
        var machine = Machine()
        let first = Self.receive(&machine, Self.head("/v1/a", .POST, [("Connection", "close")]))
        let pipelined = Self.receive(&machine, Self.head("/v1/sys/seal", .PUT))
        #expect(Self.answered(first) == "/v1/a" && pipelined == .wait)
        let write = machine.answerReady()
        #expect(write == Machine.AnswerWrite(closing: true, keepingAlive: false, headOnly: false))
        // The pipelined request is dropped, and nothing more is taken.
        let later = machine.headReceived(Self.head("/v1/c"))
        let end = machine.endReceived()
        let reads = machine.readRequested()
        let next = machine.answerWritten()
        #expect(!later && end == nil && !reads && next == .wait)
    }

    @Test("HTTP/1.0 closes after each answer unless it asked to keep the connection, and is then told so")
    func http10() {
        var machine = Machine()
        _ = Self.receive(&machine, Self.head("/v1/a", version: .http1_0, [("Connection", "keep-alive")]))
        let kept = machine.answerReady()
        #expect(kept == Machine.AnswerWrite(closing: false, keepingAlive: true, headOnly: false))
        _ = machine.answerWritten()
        _ = Self.receive(&machine, Self.head("/v1/b", version: .http1_0))
        let closed = machine.answerReady()
        #expect(closed?.closing == true)
    }

    @Test("a HEAD request's answer is written without its body")
    func head() throws {
        var machine = Machine()
        _ = Self.receive(&machine, Self.head("/v1/sys/health", .HEAD))
        let write = machine.answerReady()
        #expect(write == Machine.AnswerWrite(closing: false, keepingAlive: false, headOnly: true))
        let answer = HTTPAnswer(
            status: .ok, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{\"initialized\":true}\n"))
        let wire = String(buffer: answer.encoded(closing: false, headOnly: true, allocator: ByteBufferAllocator()))
        #expect(wire.hasPrefix("HTTP/1.1 200 OK\r\n") && wire.hasSuffix("\r\n\r\n"))
        #expect(!wire.contains("initialized") && !wire.contains("Content-Length"))
    }

    @Test("reading pauses while the socket takes no output, and resumes when it drains")
    func pausesWhileNotWritable() {
        var machine = Machine()
        let before = machine.readRequested()
        let onFull = machine.writabilityChanged(isWritable: false)
        let whileFull = machine.readRequested()
        let onDrained = machine.writabilityChanged(isWritable: true)
        let afterwards = machine.readRequested()
        // A drained socket with no read held back asks for nothing.
        let again = machine.writabilityChanged(isWritable: true)
        #expect(before && !onFull && !whileFull && onDrained && afterwards && !again)
    }
}
