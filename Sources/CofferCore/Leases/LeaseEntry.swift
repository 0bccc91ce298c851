import CofferMountKit
import Foundation

/// A lease as stored at `sys/expire/id/<lease id>`: on a secret a mount returned,
/// or a marker for a token (whose times live in the token entry).
package struct LeaseEntry: Sendable, Equatable {
    package enum Kind: String, Sendable {
        case secret, token
    }

    package var id: String
    package var kind: Kind
    /// The request path that created it (`database/creds/ci`, `auth/token/create`).
    package var path: String
    /// The route path of the mount that must revoke it (`database/`).
    package var mountPath: String
    package var issueTime: Date
    package var expireTime: Date?
    package var lastRenewal: Date?
    package var lease: MountLease?
    /// The token whose revocation takes this lease with it.
    package var tokenHash: String?
    /// Failed revocations so far; kept so the backoff survives a restart.
    package var revokeAttempts = 0
    /// When the next revocation is due after a failed one.
    package var nextRevokeAttempt: Date? = nil
    /// Set once the lease is irrevocable: the last error, at most 240 characters.
    package var revokeError: String? = nil

    package var isIrrevocable: Bool { revokeError != nil }
}
