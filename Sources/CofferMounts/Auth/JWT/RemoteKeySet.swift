import CofferEncoding
import CofferMountKit
import Foundation
import JWTKit
import Synchronization

/// The keys of a JWKS (direct or found by discovery), cached in memory.
///
/// Keys are fetched on first use and kept; a verification that fails with the
/// cached keys triggers one refetch, shared by every login that failed on the
/// same generation of keys, so a burst after a rotation makes one fetch. Refetches
/// are at least `RefetchLimiter.interval` apart, so a stream of forged tokens
/// cannot make the server hammer the issuer. When the issuer is down, the cached
/// keys keep working.
actor RemoteKeySet {
    /// Five seconds: a rotation is seen at once unless a refetch ran just before.
    static let minimumRefetchInterval: Duration = .seconds(5)

    private let fetcher: KeyFetcher
    private let discoveryURL: String?
    private var jwksURL: String?
    private var inflight: Task<SignatureKeys, any Error>?
    private var limiter: RefetchLimiter
    /// Why the last fetch failed, given again while the limiter holds fetches back.
    private var lastFailure: (any Error)?
    private let clock = ContinuousClock()
    /// The keys and their generation (fetches so far) as of the last fetch,
    /// readable without a hop to the actor: every login reads them, only
    /// refetches need the actor.
    private nonisolated let latest = Mutex<(keys: SignatureKeys, generation: Int)?>(nil)
    /// Fetches and failures, counted per mount.
    private let metrics: JWKSMetrics

    init(
        fetcher: KeyFetcher, discoveryURL: String?, jwksURL: String?,
        minimumRefetchInterval: Duration = RemoteKeySet.minimumRefetchInterval,
        metrics: JWKSMetrics = .disabled
    ) {
        self.metrics = metrics
        self.fetcher = fetcher
        self.discoveryURL = discoveryURL
        self.jwksURL = jwksURL
        self.limiter = RefetchLimiter(interval: minimumRefetchInterval)
    }

    /// The cached keys and their generation, fetching them the first time.
    nonisolated func current() async throws -> (SignatureKeys, Int) {
        if let latest = latest.withLock({ $0 }) { return latest }
        let keys = try await refresh(after: 0)
        // Logins that waited on the first fetch resume before its starter has
        // stored the keys (the actor runs them while it waits): they use the keys
        // the fetch returned, which are generation 1. Never a force-unwrap here:
        // a burst of first logins crashed the server on one.
        return latest.withLock { $0 } ?? (keys, 1)
    }

    /// Refetches unless someone already did since `seen`; concurrent callers share one
    /// fetch. Too soon after the last refetch (or a failed fetch), answers the cached
    /// keys (or that failure) without fetching.
    func refresh(after seen: Int) async throws -> SignatureKeys {
        let cached = latest.withLock { $0 }
        if let cached, seen < cached.generation { return cached.keys }
        if let inflight { return try await inflight.value }
        let now = clock.now
        guard limiter.allows(at: now) else {
            if let cached { return cached.keys }
            throw lastFailure ?? KeySetError(description: "no JWKS fetched yet")
        }
        // The first fetch is not limited; every refetch is.
        if cached != nil { limiter.refetchStarted(at: now) }
        let task = Task { try await self.fetch() }
        inflight = task
        defer { inflight = nil }
        let fresh: SignatureKeys
        do {
            fresh = try await task.value
        } catch {
            limiter.fetchFailed(at: clock.now)
            lastFailure = error
            throw error
        }
        latest.withLock { $0 = (fresh, ($0?.generation ?? 0) + 1) }
        return fresh
    }

    private func fetch() async throws -> SignatureKeys {
        do {
            let keys = try await fetchOnce()
            metrics.record(succeeded: true)
            return keys
        } catch {
            metrics.record(succeeded: false)
            throw error
        }
    }

    private func fetchOnce() async throws -> SignatureKeys {
        if jwksURL == nil, let discoveryURL {
            do {
                jwksURL = try await fetcher.discover(discoveryURL)
            } catch {
                throw KeySetError(description: "error configuring token validator: keyset configuration error: \(error)")
            }
        }
        guard let url = jwksURL else { throw KeySetError(description: "no JWKS URL") }
        let document: [String: JSONValue]
        do {
            document = try await fetcher.json(url)
        } catch {
            throw KeySetError(
                description: "error validating token: error verifying token signature: fetching keys oidc: get keys failed \(error)")
        }
        return await SignatureKeys.jwks(document)
    }
}

/// A key set problem, worded as OpenBao words it.
struct KeySetError: Error, CustomStringConvertible {
    let description: String
}
