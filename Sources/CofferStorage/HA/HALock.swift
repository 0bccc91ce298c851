/// The lock that makes one node of an HA cluster the active one. The storage
/// that several nodes share holds it, and times it by its own clock, so that a
/// node whose clock is wrong, or which was paused, cannot believe it still
/// holds a lock the storage has let go.
///
/// - `acquire` succeeds only when nobody holds a valid lock.
/// - `renew` extends this node's own valid lock and never takes one back.
/// - `release` frees the lock at once when this node holds it.
package protocol HALock: Sendable {
    /// This node's name in the lock; unique per process.
    var identity: String { get }
    /// Takes the lock when nobody holds a valid one; returns whether this node holds it now.
    func acquire(advertising value: String) async throws -> Bool
    /// Extends this node's own valid lock; false (or an error) means it is lost.
    func renew() async throws -> Bool
    /// Gives the lock up at once (a clean stop or `sys/step-down`).
    func release() async throws
    /// Who holds the lock, if anyone has held it.
    func holder() async throws -> HALockHolder?
}

/// What the lock says about the leader.
package struct HALockHolder: Sendable, Equatable {
    package var identity: String
    /// What the leader advertised when it took the lock (its addresses).
    package var value: String
    package var isValid: Bool

    package init(identity: String, value: String, isValid: Bool) {
        self.identity = identity
        self.value = value
        self.isValid = isValid
    }
}
