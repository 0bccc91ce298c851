/// When a JWKS may be fetched again: a value that takes events and answers, so the
/// rule is tested without a network (STYLE.md, state machines).
///
/// A token with an unknown `kid` or a bad signature asks for a refetch, and forged
/// tokens cost an attacker nothing: without a limit each one made the server fetch
/// the issuer's JWKS (go-oidc, behind OpenBao's JWT plugin, has no limit). So a
/// refetch after a failed verification, or any fetch after a failed fetch, waits
/// `interval` after the previous one; in between, the cached keys answer (or the
/// last fetch error). The first fetch, and the first refetch after a quiet
/// `interval`, go at once: a real rotation (a new `kid`) works on its first token.
struct RefetchLimiter: Sendable {
    let interval: Duration
    /// When the last limited fetch began (a refetch, or a fetch that failed).
    private(set) var lastLimited: ContinuousClock.Instant?

    init(interval: Duration) {
        self.interval = interval
    }

    /// Whether a fetch may start now.
    func allows(at now: ContinuousClock.Instant) -> Bool {
        guard let lastLimited else { return true }
        return lastLimited.duration(to: now) >= interval
    }

    /// A refetch after a failed verification began.
    mutating func refetchStarted(at now: ContinuousClock.Instant) {
        lastLimited = now
    }

    /// A fetch failed: the next may not follow at once (an issuer that is down is
    /// not asked again by every login).
    mutating func fetchFailed(at now: ContinuousClock.Instant) {
        lastLimited = now
    }
}
