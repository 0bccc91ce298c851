import Crypto
import Foundation
import Synchronization
import X509

/// The cert mount's roles, parsed, the serial numbers its CRLs revoke, and the
/// chains already verified to each CA role, kept in memory between logins:
/// without them every login of a runner listed, decrypted and parsed every
/// role's PEM and every CRL, and built and verified the same chain again. A
/// role or CRL write drops all three; a read that raced with a write does not
/// put its stale copy back (`generation`), as `AuthMountRecords` does.
final class CertMountState: Sendable {
    private struct Cache {
        var roles: [CertAuthMount.CandidateRole]?
        var revoked: Set<String>?
        /// When a CRL fetched from a URL is due again (its NextUpdate).
        var revokedUntil: Date?
        var chains: [ChainKey: VerifiedChain] = [:]
        var generation = 0
    }

    /// A presented chain (leaf and intermediates, as DER) against one role.
    struct ChainKey: Hashable, Sendable {
        let presented: SHA256Digest
        let role: String

        init(presented chain: [[UInt8]], role: String) {
            var hash = SHA256()
            for certificate in chain {
                withUnsafeBytes(of: UInt32(truncatingIfNeeded: certificate.count).bigEndian) { hash.update(bufferPointer: $0) }
                hash.update(data: certificate)
            }
            self.presented = hash.finalize()
            self.role = role
        }
    }

    private struct VerifiedChain: Sendable {
        let chain: [Certificate]
        /// Reused until then only: a minute at most, and never past the first
        /// certificate of the chain to expire (the dates are part of the check).
        let until: Date
    }

    /// Bounds the verified chains kept: a fleet of runners is far fewer.
    static let maxChains = 4096
    /// How long a verified chain is reused.
    static let chainReuse: TimeInterval = 60

    private let cache = Mutex(Cache())

    /// Every role in name order, loaded by `load` when not kept.
    func roles(_ load: () async throws -> [CertAuthMount.CandidateRole]) async throws -> [CertAuthMount.CandidateRole] {
        let (kept, generation) = cache.withLock { ($0.roles, $0.generation) }
        if let kept { return kept }
        let loaded = try await load()
        cache.withLock { cache in
            if cache.generation == generation { cache.roles = loaded }
        }
        return loaded
    }

    /// The revoked serials, loaded by `load` when not kept or when a fetched
    /// CRL is due again at `now`.
    func revoked(now: Date, _ load: () async throws -> (serials: Set<String>, dueAgain: Date?)) async throws -> Set<String> {
        let (kept, until, generation) = cache.withLock { ($0.revoked, $0.revokedUntil, $0.generation) }
        if let kept, until.map({ now <= $0 }) ?? true { return kept }
        let loaded = try await load()
        cache.withLock { cache in
            if cache.generation == generation {
                cache.revoked = loaded.serials
                cache.revokedUntil = loaded.dueAgain
            }
        }
        return loaded.serials
    }

    /// A chain verified for `key` still good at `now`.
    func verifiedChain(_ key: ChainKey, now: Date) -> [Certificate]? {
        cache.withLock { cache in
            guard let kept = cache.chains[key], now < kept.until else { return nil }
            return kept.chain
        }
    }

    /// Keeps a chain just verified (leaf first), unless a write came since `generation`.
    func keep(_ chain: [Certificate], for key: ChainKey, verifiedAt now: Date, generation: Int) {
        let expiry = chain.map(\.notValidAfter).min() ?? now
        let until = min(now + Self.chainReuse, expiry)
        cache.withLock { cache in
            guard cache.generation == generation else { return }
            if cache.chains.count >= Self.maxChains { cache.chains.removeAll(keepingCapacity: true) }
            cache.chains[key] = VerifiedChain(chain: chain, until: until)
        }
    }

    var generation: Int { cache.withLock { $0.generation } }

    /// After any role or CRL write: the next login reads storage again.
    func forget() {
        cache.withLock { cache in
            cache.chains = [:]
            cache.roles = nil
            cache.revoked = nil
            cache.revokedUntil = nil
            cache.generation += 1
        }
    }
}
