import Crypto
import Foundation
import Synchronization

/// The chains clients presented in full handshakes, by their leaf, so that a
/// connection resuming a TLS session (no certificate is sent again, no check
/// runs, and the session keeps only the leaf) still has its client's whole
/// chain, as Go's resumed sessions do for OpenBao.
///
/// Bounded: when full it starts over. What it holds is no secret and no trust:
/// intermediates are public, and whoever uses a chain verifies it.
final class PresentedChains: Sendable {
    static let capacity = 4096
    /// By SHA-256 of the leaf's DER.
    private let chains = Mutex<[Data: [[UInt8]]]>([:])

    func remember(_ chain: [[UInt8]]) {
        guard let leaf = chain.first else { return }
        let key = Self.key(leaf)
        chains.withLock { chains in
            if chains.count >= Self.capacity, chains[key] == nil { chains.removeAll(keepingCapacity: true) }
            chains[key] = chain
        }
    }

    /// The chain last presented with this leaf, or the leaf alone.
    func chain(resuming leaf: [UInt8]) -> [[UInt8]] {
        let key = Self.key(leaf)
        return chains.withLock { $0[key] } ?? [leaf]
    }

    private static func key(_ leaf: [UInt8]) -> Data {
        Data(SHA256.hash(data: leaf))
    }
}
