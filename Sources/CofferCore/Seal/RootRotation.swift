import Foundation

/// A root key rotation (`sys/rotate/root/*`, the old `rekey`) as a plain value:
/// the new share configuration, the current key shares given so far, and, when
/// the operator asked to verify, the new key waiting for a quorum of its own
/// shares before it replaces the old one. Events go in, an action comes out; the
/// seal manager combines, checks and installs keys.
struct RootRotation: Sendable {
    struct Attempt: Sendable {
        let nonce: String
        let shares: Int
        let threshold: Int
        let requireVerification: Bool
        var provided: [[UInt8]] = []
        /// Set once the old key was proven and a new one made, when verification is required.
        var pending: PendingKey?
    }

    /// A new root key shown to the operator but not installed until verified.
    struct PendingKey: Sendable {
        let rootKey: [UInt8]
        var nonce: String
        var provided: [[UInt8]] = []
    }

    private(set) var attempt: Attempt?

    enum Action: Equatable {
        case needMore(progress: Int)
        /// Enough shares: combine these and check them against the key in use (or,
        /// verifying, against the pending key). The shares given are cleared either way.
        case tryKey([[UInt8]])
    }

    /// Starts a rotation; one at a time, as OpenBao allows.
    mutating func start(nonce: String, shares: Int, threshold: Int, requireVerification: Bool) throws {
        guard attempt == nil else { throw CoreError.badRequest("rotation already in progress") }
        attempt = Attempt(nonce: nonce, shares: shares, threshold: threshold, requireVerification: requireVerification)
    }

    /// Adds a share of the current root key.
    mutating func add(_ share: [UInt8], nonce: String, threshold: Int) throws -> Action {
        guard var current = attempt else { throw CoreError.badRequest("no rotation in progress") }
        guard current.pending == nil else {
            throw CoreError.badRequest("rotation already complete, verification of the new key shares is pending")
        }
        guard nonce == current.nonce else {
            throw CoreError.badRequest("incorrect nonce supplied; nonce for rotation is \"\(current.nonce)\"")
        }
        guard !current.provided.contains(share) else {
            throw CoreError.badRequest("given key has already been provided during this rotation")
        }
        current.provided.append(share)
        defer { attempt = current }
        guard current.provided.count >= threshold else { return .needMore(progress: current.provided.count) }
        let collected = current.provided
        current.provided = []
        return .tryKey(collected)
    }

    /// Keeps a new key until a quorum of its shares is given back.
    mutating func awaitVerification(of rootKey: [UInt8], nonce: String) {
        attempt?.pending = PendingKey(rootKey: rootKey, nonce: nonce)
    }

    /// Adds a share of the pending new key.
    mutating func addVerification(_ share: [UInt8], nonce: String) throws -> Action {
        guard let current = attempt, var pending = current.pending else { throw CoreError.badRequest("no rotation in progress") }
        guard nonce == pending.nonce else {
            throw CoreError.badRequest("incorrect nonce supplied; nonce for this verify operation is \"\(pending.nonce)\"")
        }
        guard !pending.provided.contains(share) else {
            throw CoreError.badRequest("given key has already been provided during this verify operation")
        }
        pending.provided.append(share)
        defer { attempt?.pending = pending }
        guard pending.provided.count >= current.threshold else { return .needMore(progress: pending.provided.count) }
        let collected = pending.provided
        pending.provided = []
        return .tryKey(collected)
    }

    /// Starts the verification over with a new nonce (wrong shares, or `DELETE sys/rotate/root/verify`).
    mutating func restartVerification(nonce: String) {
        attempt?.pending?.provided = []
        attempt?.pending?.nonce = nonce
    }

    /// Ends the rotation: installed, cancelled, or the server sealed.
    mutating func finish() {
        attempt = nil
    }
}
