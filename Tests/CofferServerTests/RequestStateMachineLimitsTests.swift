import NIOCore
import NIOHTTP1
import Testing

@testable import CofferServer

/// What one connection may hold, and how it ends (`VaultRequestHandler.StateMachine`).
@Suite struct RequestStateMachineLimitsTests {
    typealias Machine = VaultRequestHandler.StateMachine

    static func head(_ uri: String) -> HTTPRequestHead { RequestStateMachineTests.head(uri, .POST) }

    static func receive(_ machine: inout Machine, _ uri: String, body: ByteBuffer? = nil) -> Machine.Next? {
        RequestStateMachineTests.receive(&machine, head(uri), body: body)
    }

    static func bytes(_ count: Int) -> ByteBuffer { ByteBuffer(repeating: UInt8(ascii: "x"), count: count) }

    @Test("reading pauses while 32 MiB of bodies wait, and resumes once one is taken up")
    func pausesOnWaitingBodies() {
        var machine = Machine()
        _ = Self.receive(&machine, "/v1/first")
        let half = Machine.maxBufferedBytes / 2
        _ = Self.receive(&machine, "/v1/a", body: Self.bytes(half))
        let readsAtHalf = machine.readRequested()
        _ = Self.receive(&machine, "/v1/b", body: Self.bytes(half))
        let readsAtFull = machine.readRequested()
        #expect(readsAtHalf && !readsAtFull && machine.bufferedBytes == Machine.maxBufferedBytes)
        _ = machine.answerReady()
        let next = machine.answerWritten()
        guard case .answer(let request, let resumeReading) = next else {
            Issue.record("the next request was not taken up")
            return
        }
        #expect(resumeReading && request.head.path == "/v1/a" && request.body?.readableBytes == half)
        #expect(machine.bufferedBytes == half)
    }

    @Test("a body still arriving that holds exactly 32 MiB does not stop reading: only its end or one more byte can follow")
    func bodyAtTheLimitKeepsReading() {
        var machine = Machine()
        _ = machine.headReceived(Self.head("/v1/big"))
        machine.bodyReceived(Self.bytes(Machine.maxBodySize))
        let reads = machine.readRequested()
        machine.bodyReceived(Self.bytes(1))
        #expect(reads && machine.bufferedBytes == 0)
        // Behind a waiting request, it pauses until that one is taken up.
        var behind = Machine()
        _ = Self.receive(&behind, "/v1/first")
        _ = Self.receive(&behind, "/v1/second")
        _ = behind.headReceived(Self.head("/v1/big"))
        behind.bodyReceived(Self.bytes(Machine.maxBodySize))
        let readsBehind = behind.readRequested()
        _ = behind.answerReady()
        let next = behind.answerWritten()
        #expect(
            !readsBehind
                && next
                    == .answer(
                        .init(head: APIRequest(Self.head("/v1/second")), framing: .init(Self.head("/v1/second"))), resumeReading: true)
        )
    }

    @Test("reading pauses while 16 requests wait their turn")
    func pausesOnWaitingRequests() {
        var machine = Machine()
        _ = Self.receive(&machine, "/v1/first")
        for index in 0..<Machine.maxWaiting {
            let reads = machine.readRequested()
            #expect(reads)
            _ = Self.receive(&machine, "/v1/\(index)")
        }
        let reads = machine.readRequested()
        _ = machine.answerReady()
        let next = machine.answerWritten()
        #expect(
            !reads && next == .answer(.init(head: APIRequest(Self.head("/v1/0")), framing: .init(Self.head("/v1/0"))), resumeReading: true))
    }

    @Test("a body past 32 MiB is dropped as it comes, and its request refused whole")
    func bodyTooLarge() throws {
        var machine = Machine()
        _ = machine.headReceived(Self.head("/v1/big"))
        machine.bodyReceived(Self.bytes(Machine.maxBodySize))
        let heldAtLimit = machine.bufferedBytes
        machine.bodyReceived(Self.bytes(1))
        machine.bodyReceived(Self.bytes(1000))
        let heldAfter = machine.bufferedBytes
        let next = machine.endReceived()
        #expect(heldAtLimit == Machine.maxBodySize && heldAfter == 0)
        guard case .answer(let request, _)? = next else {
            Issue.record("the request was not answered")
            return
        }
        #expect(request.tooLarge && request.body == nil)
        // A body of exactly the limit is taken.
        var exact = Machine()
        guard case .answer(let taken, _)? = Self.receive(&exact, "/v1/exact", body: Self.bytes(Machine.maxBodySize)) else {
            Issue.record("the request was not answered")
            return
        }
        #expect(!taken.tooLarge && taken.body?.readableBytes == Machine.maxBodySize)
    }

    @Test("input the parser cannot read is refused after the answers to the requests before it")
    func unparseableAfterGoodRequests() {
        var machine = Machine()
        _ = Self.receive(&machine, "/v1/a")
        _ = Self.receive(&machine, "/v1/b")
        _ = machine.headReceived(Self.head("/v1/half-read"))
        let onFailure = machine.parserFailed()
        let reads = machine.readRequested()
        _ = machine.answerReady()
        let second = machine.answerWritten()
        let write = machine.answerReady()
        let last = machine.answerWritten()
        let later = machine.headReceived(Self.head("/v1/c"))
        #expect(onFailure == .wait && !reads && RequestStateMachineTests.answered(second) == "/v1/b")
        #expect(write == RequestStateMachineTests.keepOpen && last == .refuseUnparseable && !later)
        // With nothing before it, the refusal goes out at once.
        var idle = Machine()
        let refusal = idle.parserFailed()
        #expect(refusal == .refuseUnparseable)
    }

    @Test("graceful shutdown closes an idle connection at once, a busy one after its last answer")
    func quiesce() {
        var idle = Machine()
        let idleNext = idle.quiesce()
        var busy = Machine()
        _ = Self.receive(&busy, "/v1/a")
        let busyNext = busy.quiesce()
        let write = busy.answerReady()
        #expect(idleNext == .close && busyNext == .wait && write?.closing == true)
    }

    @Test("an answer ready after the connection closed is not written")
    func closedWhileAnswering() {
        var machine = Machine()
        _ = Self.receive(&machine, "/v1/a")
        _ = Self.receive(&machine, "/v1/b")
        machine.channelClosed()
        let write = machine.answerReady()
        let next = machine.answerWritten()
        #expect(write == nil && next == .wait)
    }
}
