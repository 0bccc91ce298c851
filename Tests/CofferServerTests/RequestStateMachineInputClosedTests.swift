import NIOCore
import NIOHTTP1
import Testing

@testable import CofferServer

/// A client that closes its side: the connection must close too, once what the
/// client asked in full is answered (a leak of one descriptor per such client
/// otherwise, until the idle timeout).
@Suite struct RequestStateMachineInputClosedTests {
    typealias Machine = VaultRequestHandler.StateMachine
    typealias Support = RequestStateMachineTests

    @Test("an idle connection whose client closed is closed at once")
    func idle() {
        var machine = Machine()
        _ = Support.receive(&machine, Support.head("/v1/a"))
        _ = machine.answerReady()
        #expect(machine.answerWritten() == .wait)
        #expect(machine.inputClosed() == .close)
    }

    @Test("requests sent whole before the close are all answered, the last answer closing the connection")
    func pipelinedThenClosed() {
        var machine = Machine()
        let first = Support.receive(&machine, Support.head("/v1/a"))
        _ = Support.receive(&machine, Support.head("/v1/b"))
        #expect(Support.answered(first) == "/v1/a")
        #expect(machine.inputClosed() == .wait)
        #expect(machine.answerReady() == Support.keepOpen)
        #expect(Support.answered(machine.answerWritten()) == "/v1/b")
        #expect(machine.answerReady() == Machine.AnswerWrite(closing: true, keepingAlive: false, headOnly: false))
    }

    @Test("a request cut off by the close is dropped, and its buffered body forgotten")
    func partialRequest() {
        var machine = Machine()
        _ = machine.headReceived(Support.head("/v1/a", .POST, [("Content-Length", "10")]))
        machine.bodyReceived(ByteBuffer(string: "12345"))
        #expect(machine.bufferedBytes == 5)
        #expect(machine.inputClosed() == .close)
        #expect(machine.bufferedBytes == 0)
    }
}
