import NIOCore
import Testing

@testable import CofferServer

/// A connection's deadlines, driven by events at chosen times: no channel, no clock.
@Suite struct ConnectionDeadlinesTests {
    static let timeouts = ConnectionDeadlines.Timeouts(header: .seconds(10), read: .seconds(30), idle: .seconds(300), write: nil)
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    func at(_ seconds: Int64) -> NIODeadline { start + .seconds(seconds) }

    /// A fresh connection, opened at `start`.
    func opened(_ timeouts: ConnectionDeadlines.Timeouts = timeouts) -> ConnectionDeadlines {
        var deadlines = ConnectionDeadlines(timeouts: timeouts)
        #expect(deadlines.handle(.opened, at: start) == .armTimer(at(10)))
        return deadlines
    }

    @Test("a connection that never sends a byte is closed at the header deadline")
    func silentConnection() {
        var deadlines = opened()
        #expect(deadlines.handle(.timerFired, at: at(10)) == .close(.header))
    }

    @Test("a header block trickled byte by byte is closed at the header deadline, however steadily bytes come")
    func trickledHeaders() {
        var deadlines = opened()
        for second in 1...9 {
            #expect(deadlines.handle(.bytesArrived, at: at(Int64(second))) == .none)
        }
        #expect(deadlines.handle(.timerFired, at: at(10)) == .close(.header))
    }

    @Test("once the head is in, the body has until the read deadline, counted from the first byte")
    func bodyDeadline() {
        var deadlines = opened()
        _ = deadlines.handle(.bytesArrived, at: at(1))
        #expect(deadlines.handle(.headReceived, at: at(2)) == .none)  // the timer armed for 10 s goes off early and re-arms
        #expect(deadlines.handle(.timerFired, at: at(10)) == .armTimer(at(30)))
        #expect(deadlines.handle(.bytesArrived, at: at(20)) == .none)
        #expect(deadlines.handle(.timerFired, at: at(30)) == .close(.read))
    }

    @Test("no read deadline runs while the server works on a request; the idle one starts at the answer")
    func busyThenIdle() {
        var deadlines = opened()
        _ = deadlines.handle(.headReceived, at: at(1))
        _ = deadlines.handle(.requestReceived, at: at(1))
        // A slow answer: the timer goes off and finds nothing due.
        #expect(deadlines.handle(.timerFired, at: at(10)) == .none)
        #expect(deadlines.dueDeadline == nil)
        #expect(deadlines.handle(.answerWritten, at: at(100)) == .armTimer(at(400)))
        #expect(deadlines.dueDeadline?.reason == .idle)
        #expect(deadlines.handle(.timerFired, at: at(400)) == .close(.idle))
    }

    @Test("the next request's first byte ends the idle wait and starts its header deadline")
    func keepAliveNextRequest() {
        var deadlines = opened()
        _ = deadlines.handle(.headReceived, at: at(1))
        _ = deadlines.handle(.requestReceived, at: at(1))
        _ = deadlines.handle(.answerWritten, at: at(2))
        #expect(deadlines.handle(.timerFired, at: at(10)) == .armTimer(at(302)))
        #expect(deadlines.handle(.bytesArrived, at: at(50)) == .armTimer(at(60)))
        #expect(deadlines.handle(.timerFired, at: at(60)) == .close(.header))
    }

    @Test("a request pipelined behind a slow one is timed from when the server is done")
    func pipelined() {
        var deadlines = opened()
        _ = deadlines.handle(.headReceived, at: at(1))
        _ = deadlines.handle(.requestReceived, at: at(1))
        _ = deadlines.handle(.bytesArrived, at: at(2))  // the next request begins
        #expect(deadlines.handle(.timerFired, at: at(10)) == .none)
        #expect(deadlines.handle(.answerWritten, at: at(60)) == .armTimer(at(70)))
        #expect(deadlines.handle(.timerFired, at: at(70)) == .close(.header))
    }

    @Test("a timer that goes off before its deadline re-arms instead of closing")
    func earlyTimer() {
        var deadlines = opened()
        #expect(deadlines.handle(.timerFired, at: at(9)) == .armTimer(at(10)))
    }

    @Test("with a write timeout, an answer whose bytes do not leave closes the connection")
    func writeTimeout() {
        var timeouts = Self.timeouts
        timeouts.write = .seconds(5)
        var deadlines = opened(timeouts)
        _ = deadlines.handle(.headReceived, at: at(1))  // write deadline 6
        #expect(deadlines.handle(.timerFired, at: at(10)) == .close(.write))

        var answered = opened(timeouts)
        _ = answered.handle(.headReceived, at: at(1))
        _ = answered.handle(.requestReceived, at: at(1))
        _ = answered.handle(.answerWritten, at: at(2))
        _ = answered.handle(.writeCompleted, at: at(3))
        #expect(answered.dueDeadline?.reason == .idle)
    }

    @Test("no timeouts: nothing is ever armed")
    func none() {
        var deadlines = ConnectionDeadlines(timeouts: .init())
        #expect(deadlines.handle(.opened, at: start) == .none)
        #expect(deadlines.handle(.bytesArrived, at: at(1)) == .none)
        #expect(deadlines.handle(.timerFired, at: at(1_000_000)) == .none)
    }
}
