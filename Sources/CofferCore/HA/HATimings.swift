/// How the HA lock is held and contested. The lock's TTL bounds how long a
/// dead active keeps the cluster without a leader: a `kill -9`ed active is
/// replaced within `lockTTL + acquireInterval` and a takeover's bring-up.
/// OpenBao holds 15 s, renews every 5 s and polls every second (10-16 s to
/// take over); we hold 6 s and renew every second, still five renewals of slack
/// on a loaded machine, to take over within the 8 s CI operators asked for.
package struct HATimings: Sendable, Equatable {
    package var lockTTL: Duration = .seconds(6)
    package var renewInterval: Duration = .seconds(1)
    /// How often a standby tries the lock and refreshes the leader's address.
    package var acquireInterval: Duration = .milliseconds(500)
    /// After `sys/step-down`, how long the node leaves the lock to the others (OpenBao: 10 s).
    package var stepDownCooldown: Duration = .seconds(10)
    /// How long a node that lost the lock waits for the requests it admitted.
    package var drainBound: Duration = .seconds(10)

    package init() {}
}
