import Foundation

/// The unseal state machine: key shares collected so far, as a plain value.
///
/// Events go in, an action comes out; the owner does the I/O (combining and trying
/// the key) outside this type.
struct UnsealProgress: Sendable {
    private(set) var shares: [[UInt8]] = []
    private(set) var nonce: String = ""

    enum Action: Equatable {
        /// More shares are needed; progress is the count so far.
        case needMore
        /// Enough shares: combine these and try the key.
        case tryKey([[UInt8]])
    }

    var count: Int { shares.count }

    /// Adds a share. A share given twice counts once, as in Vault.
    mutating func add(_ share: [UInt8], threshold: Int) -> Action {
        if nonce.isEmpty { nonce = UUID().uuidString.lowercased() }
        if !shares.contains(share) { shares.append(share) }
        if shares.count >= threshold {
            let collected = shares
            reset()
            return .tryKey(collected)
        }
        return .needMore
    }

    mutating func reset() {
        shares = []
        nonce = ""
    }
}
