/// Where one token stands in its revocation: a plain value the token store keeps
/// per token hash while the token is being revoked, and tests drive with no storage.
///
/// Every change to a token (renew, a spent use, a child under it) is written under
/// the token's lock and only while the token is `live`; revocation moves it to
/// `revoking` before it takes the lock, so a writer already waiting for the lock
/// finds the token gone instead of writing its entry back.
package struct TokenLifecycle: Sendable, Equatable {
    package enum Phase: Sendable, Equatable {
        /// Usable, and changes may be written.
        case live
        /// A revocation has started (or failed part way): refused, and no change may be written.
        case revoking
        /// Its entry is gone: nothing is left that a writer could bring back.
        case revoked
    }

    package private(set) var phase: Phase = .live
    /// Revocations of this token in progress (an admin's and its parent's may overlap).
    package private(set) var revokers = 0

    package init() {}

    /// Whether the token may still be used, renewed or given children.
    package var acceptsChanges: Bool { phase == .live }

    /// A revocation starts: from now on the token is refused.
    package mutating func revocationStarted() {
        revokers += 1
        if phase == .live { phase = .revoking }
    }

    /// A revocation ended; `entryGone` says whether the token's entry is gone from
    /// storage. Returns whether the record may be dropped: only once the entry is
    /// gone (a writer re-reads the entry under the lock, so it finds nothing) and no
    /// other revocation is still running. After a failure the token stays refused,
    /// and a later revocation (an admin's retry, the expiry sweep) finishes the job.
    package mutating func revocationEnded(entryGone: Bool) -> Bool {
        revokers = max(0, revokers - 1)
        if entryGone { phase = .revoked }
        return phase == .revoked && revokers == 0
    }
}
