import Foundation

/// A root token generation attempt (`sys/generate-root-token/*`) as a plain value:
/// the one-time password the new token will be XORed with, the attempt's nonce,
/// and the key shares given so far. Events go in, an action comes out; the seal
/// manager combines and checks the key, the system backend mints the token.
struct RootGeneration: Sendable {
    /// The token length a one-time password must match: `s.` and 24 base62 characters.
    static let otpLength = 26

    struct Attempt: Sendable {
        let nonce: String
        let otp: String
        var shares: [[UInt8]] = []
    }

    private(set) var attempt: Attempt?

    enum Action: Equatable {
        /// More shares are needed; the count so far.
        case needMore(progress: Int)
        /// Enough shares: combine these and check the key. The attempt stays open
        /// with no shares, so a wrong key can be followed by the right ones.
        case tryKey([[UInt8]])
    }

    /// Starts an attempt; one at a time, as OpenBao allows.
    mutating func start(otp: String, nonce: String) throws {
        guard otp.utf8.count == Self.otpLength else { throw CoreError.badRequest("OTP string has incorrect length") }
        guard attempt == nil else { throw CoreError.badRequest("root generation already in progress for this namespace") }
        attempt = Attempt(nonce: nonce, otp: otp)
    }

    /// Adds a share to the open attempt, checked against its nonce.
    mutating func add(_ share: [UInt8], nonce: String, threshold: Int) throws -> Action {
        guard var current = attempt else { throw CoreError.badRequest("no root generation in progress") }
        guard nonce == current.nonce else {
            throw CoreError.badRequest("incorrect nonce supplied; nonce for this root generation operation is \"\(current.nonce)\"")
        }
        guard !current.shares.contains(share) else {
            throw CoreError.badRequest("given key has already been provided during this generation operation")
        }
        current.shares.append(share)
        guard current.shares.count >= threshold else {
            attempt = current
            return .needMore(progress: current.shares.count)
        }
        let collected = current.shares
        current.shares = []
        attempt = current
        return .tryKey(collected)
    }

    /// Ends the attempt once its token is minted, or on cancel.
    mutating func finish() {
        attempt = nil
    }
}
