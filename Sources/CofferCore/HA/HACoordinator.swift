import CofferStorage
import Foundation
import Logging
import Synchronization

/// Makes this node the active one of an HA cluster when it can take the lock,
/// and a standby when it cannot (spec/ha-postgresql.md). It runs from unseal to
/// seal; the core's duties (mounts, tokens, leases) run only while it is active.
///
/// The loop, one task:
/// - standby: try the lock and refresh the leader's address every `acquireInterval`;
/// - on taking it: bring the core up, then renew every `renewInterval`;
/// - on a renewal that fails or touches no row, on `sys/step-down`, or at seal:
///   admit no more requests (they go to the new leader), wait for those in
///   flight up to `drainBound`, tear the core's duties down, release the lock,
///   and compete again (after a step-down, only after `stepDownCooldown`).
/// It never seals: a node that lost the lock is still unsealed and serves as a standby.
package final class HACoordinator: Sendable {
    /// What the core does when this node becomes active, and stops being so.
    package struct Duties: Sendable {
        var bringUp: @Sendable () async throws -> Void
        var tearDown: @Sendable () async -> Void
    }

    package let lock: any HALock
    private let advertised: Mutex<LeaderAdvertisement>
    let timings: HATimings
    private let duties: Mutex<Duties?>
    private let gate = Mutex(HAGate())
    private let stepDownRequested = Atomic<Bool>(false)
    private let loop = Mutex<Task<Void, Never>?>(nil)
    private let clock: @Sendable () -> Date
    private let logger = Logger(label: "coffer.ha")

    package init(
        lock: any HALock, advertisement: LeaderAdvertisement, timings: HATimings = HATimings(), clock: @escaping @Sendable () -> Date
    ) {
        self.lock = lock
        self.advertised = Mutex(advertisement)
        self.timings = timings
        self.clock = clock
        self.duties = Mutex(nil)
    }

    /// Set once by the core, which owns what is brought up.
    func assign(_ duties: Duties) {
        self.duties.withLock { $0 = duties }
    }

    package var state: HANodeState { gate.withLock { $0.state } }

    /// What this node puts in the lock when it leads.
    package var advertisement: LeaderAdvertisement { advertised.withLock { $0 } }

    /// For a node that learns its address only once it listens (port 0 in tests);
    /// takes effect at the next takeover.
    package func advertise(_ advertisement: LeaderAdvertisement) {
        advertised.withLock { $0 = advertisement }
    }

    /// Whether this node serves the request or sends it on; `.serve` must be
    /// matched by a `finish()`.
    package func admit() -> HAGate.Admission { gate.withLock { $0.admit() } }

    package func finish() { gate.withLock { $0.finish() } }

    /// After unseal: start competing for the lock.
    func start() {
        gate.withLock { $0.enter(.standby(leader: nil)) }
        let task = Task { await self.run() }
        loop.withLock { $0 = task }
    }

    /// Before seal: stop competing; an active node steps down first.
    func stop() async {
        let task = loop.withLock { current in
            defer { current = nil }
            return current
        }
        task?.cancel()
        await task?.value
        gate.withLock { $0.enter(.inactive) }
    }

    /// `sys/step-down`: the active node gives the lock up at its next beat.
    package func stepDown() {
        stepDownRequested.store(true, ordering: .sequentiallyConsistent)
    }

    /// While initializing a cluster this node must hold the lock: every write is
    /// fenced by it. Refused when another node is active (the cluster is then
    /// initialized already, or being so).
    func holdingLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard try await lock.acquire(advertising: advertisement.lockValue) else {
            throw CoreError.badRequest("another node holds the HA lock: initialize the cluster through it")
        }
        do {
            let result = try await body()
            try? await lock.release()
            return result
        } catch {
            try? await lock.release()
            throw error
        }
    }

    // MARK: - The loop

    private enum Ending { case lost, steppedDown, stopped }

    private func run() async {
        var competeAfter = ContinuousClock.now
        while !Task.isCancelled {
            if ContinuousClock.now >= competeAfter, await tryToLead() {
                let ending = await lead()
                if ending == .steppedDown { competeAfter = .now + timings.stepDownCooldown }
                if ending == .stopped { return }
                continue
            }
            await refreshLeader()
            try? await Task.sleep(for: timings.acquireInterval)
        }
    }

    /// Takes the lock and brings the core up; false when either fails.
    private func tryToLead() async -> Bool {
        do {
            guard try await lock.acquire(advertising: advertisement.lockValue) else { return false }
        } catch {
            logger.warning("HA lock unreachable", metadata: ["error": "\(error)"])
            return false
        }
        do {
            try await duties.withLock({ $0 })?.bringUp()
        } catch {
            logger.error("taking over as active failed; releasing the lock", metadata: ["error": "\(error)"])
            await duties.withLock({ $0 })?.tearDown()
            try? await lock.release()
            return false
        }
        stepDownRequested.store(false, ordering: .sequentiallyConsistent)
        gate.withLock { $0.enter(.active(since: clock())) }
        logger.info("this node is now the active node")
        return true
    }

    /// Holds the lock until it is lost, given up or the loop stops; then steps down.
    private func lead() async -> Ending {
        let ending = await holdLock()
        gate.withLock { $0.enter(.standby(leader: nil)) }
        logger.info("this node is no longer active", metadata: ["reason": "\(ending)"])
        // Not cancelled with the loop (a seal cancels it): the drain must really
        // wait, and the tear-down must run whole.
        await Task {
            await drain()
            await duties.withLock({ $0 })?.tearDown()
            // Deletes only this node's own row: after a loss it may be another's already.
            try? await lock.release()
        }.value
        return ending
    }

    private func holdLock() async -> Ending {
        var nextRenewal = ContinuousClock.now + timings.renewInterval
        while true {
            if Task.isCancelled { return .stopped }
            if stepDownRequested.exchange(false, ordering: .sequentiallyConsistent) { return .steppedDown }
            if ContinuousClock.now >= nextRenewal {
                // A renewal that errs counts as lost (spec): the row may lapse before
                // the next one succeeds, and fencing would refuse our writes anyway.
                guard (try? await lock.renew()) == true else { return .lost }
                nextRenewal = .now + timings.renewInterval
            }
            // Short beats so that a step-down or a seal is acted on at once.
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits for the requests admitted while active, up to `drainBound`.
    private func drain() async {
        let deadline = ContinuousClock.now + timings.drainBound
        while gate.withLock({ $0.inFlight }) > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func refreshLeader() async {
        let holder = try? await lock.holder()
        let leader = holder.flatMap { $0.isValid && $0.identity != lock.identity ? LeaderAdvertisement(lockValue: $0.value) : nil }
        gate.withLock { $0.leaderSeen(leader) }
    }
}
