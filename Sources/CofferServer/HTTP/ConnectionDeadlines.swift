import NIOCore

/// The deadlines of one HTTP/1 connection, as a plain value: events in (bytes
/// arrived, a request's head or end read, an answer written), actions out (arm
/// the timer, close). `ConnectionDeadlineHandler` does the I/O.
///
/// A client is given, as Go's `net/http` gives it (so as OpenBao and Vault do):
/// - `header` from a request's first byte (a new connection's: from accept, so a
///   connection that never sends anything is closed too) to the end of its head;
/// - `read` from the same start to the end of its body;
/// - `idle` from the last answer to the next request's first byte;
/// - `write` from a request's head to the end of the writes of its answer.
/// While the server is working on a request of the connection, no read deadline
/// runs: the client is waiting for us. A request the client pipelined meanwhile
/// gets its deadlines from when the server is done.
struct ConnectionDeadlines {
    /// The timeouts in force; nil is none.
    struct Timeouts: Equatable, Sendable {
        var header: TimeAmount?
        var read: TimeAmount?
        var idle: TimeAmount?
        var write: TimeAmount?
    }

    enum Event {
        /// The connection was accepted.
        case opened
        /// Bytes of a request came in.
        case bytesArrived
        /// A request's head was parsed.
        case headReceived
        /// A request was read whole; it now waits for its answer.
        case requestReceived
        /// An answer was handed to the connection.
        case answerWritten
        /// An answer's bytes left (or failed to).
        case writeCompleted
        /// The timer armed earlier went off.
        case timerFired
    }

    /// Which deadline passed.
    enum Reason: String, Equatable, Sendable {
        case header, read, idle, write
    }

    enum Action: Equatable {
        case none
        /// (Re)arm the one timer of the connection for this time.
        case armTimer(NIODeadline)
        case close(Reason)
    }

    private enum Receiving {
        case head(since: NIODeadline)
        case body(since: NIODeadline)
    }

    private let timeouts: Timeouts
    private var receiving: Receiving?
    /// Requests read whole and not yet answered.
    private var inFlight = 0
    /// Answers handed over whose bytes have not left yet.
    private var pendingWrites = 0
    private var idleSince: NIODeadline?
    private var writeDeadline: NIODeadline?
    /// When the timer is armed for; it may go off before the deadline that is due
    /// by then (deadlines move later without re-arming it: one timer, few reschedules).
    private var armedFor: NIODeadline?

    init(timeouts: Timeouts) {
        self.timeouts = timeouts
    }

    mutating func handle(_ event: Event, at now: NIODeadline) -> Action {
        switch event {
        case .opened:
            receiving = .head(since: now)
        case .bytesArrived:
            if receiving == nil {
                receiving = .head(since: now)
                idleSince = nil
            }
        case .headReceived:
            if case .head(let since) = receiving {
                receiving = .body(since: since)
            } else {
                receiving = .body(since: now)  // its first bytes came with the end of the request before
            }
            idleSince = nil
            if let write = timeouts.write { writeDeadline = now + write }
        case .requestReceived:
            receiving = nil
            inFlight += 1
        case .answerWritten:
            pendingWrites += 1
            inFlight = max(0, inFlight - 1)
            if inFlight == 0 { serverBecameIdle(at: now) }
        case .writeCompleted:
            pendingWrites = max(0, pendingWrites - 1)
            if pendingWrites == 0, inFlight == 0 { writeDeadline = nil }
        case .timerFired:
            armedFor = nil
            if let due = dueDeadline, due.deadline <= now { return .close(due.reason) }
        }
        return armIfNeeded()
    }

    /// The earliest deadline now running, and which one it is.
    var dueDeadline: (deadline: NIODeadline, reason: Reason)? {
        var due: (deadline: NIODeadline, reason: Reason)? = writeDeadline.map { ($0, .write) }
        func consider(_ deadline: NIODeadline, _ reason: Reason) {
            if let current = due, current.deadline <= deadline { return }
            due = (deadline, reason)
        }
        guard inFlight == 0 else { return due }
        switch receiving {
        case .head(let since):
            if let header = timeouts.header { consider(since + header, .header) }
            if let read = timeouts.read { consider(since + read, .read) }
        case .body(let since):
            if let read = timeouts.read { consider(since + read, .read) }
        case nil:
            if let idleSince, let idle = timeouts.idle { consider(idleSince + idle, .idle) }
        }
        return due
    }

    /// The server has answered everything it was given: the client's clocks run again.
    private mutating func serverBecameIdle(at now: NIODeadline) {
        switch receiving {
        case .head: receiving = .head(since: now)
        case .body: receiving = .body(since: now)
        case nil: idleSince = now
        }
    }

    /// Arms the timer when a deadline is due before the timer would go off.
    private mutating func armIfNeeded() -> Action {
        guard let deadline = dueDeadline?.deadline else { return .none }
        if let armedFor, armedFor <= deadline { return .none }
        armedFor = deadline
        return .armTimer(deadline)
    }
}
