/// The door every request passes on an HA node: served here, or sent to the
/// leader. It also counts the requests being served, so that a node losing the
/// lock can stop admitting new ones and wait for those already in.
///
/// A value, changed under the coordinator's lock; tested without a cluster.
package struct HAGate: Sendable, Equatable {
    package enum Admission: Sendable, Equatable {
        /// This node answers; the caller reports `finish()` when it has.
        case serve
        /// Another node answers (nil: none is known).
        case forward(LeaderAdvertisement?)
    }

    private(set) var state: HANodeState = .inactive
    private(set) var inFlight = 0

    /// A sealed or not yet competing node serves the request itself: the core
    /// answers it as sealed, or (init, unseal, health) as any node does.
    mutating func admit() -> Admission {
        if case .standby(let leader) = state { return .forward(leader) }
        inFlight += 1
        return .serve
    }

    mutating func finish() {
        inFlight = max(0, inFlight - 1)
    }

    mutating func enter(_ next: HANodeState) {
        state = next
    }

    /// A standby learned (or lost) where the leader is; an active node ignores it.
    mutating func leaderSeen(_ leader: LeaderAdvertisement?) {
        if case .standby = state { state = .standby(leader: leader) }
    }
}
