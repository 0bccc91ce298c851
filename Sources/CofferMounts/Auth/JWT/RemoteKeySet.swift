import CofferMountKit
import Foundation
import JWTKit
import Synchronization

/// The keys of a JWKS (direct or found by discovery), cached in memory.
///
/// Keys are fetched on first use and kept; a verification that fails with the
/// cached keys triggers one refetch, shared by every login that failed on the
/// same generation of keys, so a burst after a rotation makes one fetch. When the
/// issuer is down, the cached keys keep working.
actor RemoteKeySet {
    private let fetcher: KeyFetcher
    private let discoveryURL: String?
    private var jwksURL: String?
    private var inflight: Task<SignatureKeys, any Error>?
    /// The keys and their generation (fetches so far) as of the last fetch,
    /// readable without a hop to the actor: every login reads them, only
    /// refetches need the actor.
    private nonisolated let latest = Mutex<(keys: SignatureKeys, generation: Int)?>(nil)

    init(fetcher: KeyFetcher, discoveryURL: String?, jwksURL: String?) {
        self.fetcher = fetcher
        self.discoveryURL = discoveryURL
        self.jwksURL = jwksURL
    }

    /// The cached keys and their generation, fetching them the first time.
    nonisolated func current() async throws -> (SignatureKeys, Int) {
        if let latest = latest.withLock({ $0 }) { return latest }
        _ = try await refresh(after: 0)
        // A refresh that returns has stored what it fetched.
        return latest.withLock { $0 }!
    }

    /// Refetches unless someone already did since `seen`; concurrent callers share one fetch.
    func refresh(after seen: Int) async throws -> SignatureKeys {
        if let latest = latest.withLock({ $0 }), seen < latest.generation { return latest.keys }
        if let inflight { return try await inflight.value }
        let task = Task { try await self.fetch() }
        inflight = task
        defer { inflight = nil }
        let fresh = try await task.value
        latest.withLock { $0 = (fresh, ($0?.generation ?? 0) + 1) }
        return fresh
    }

    private func fetch() async throws -> SignatureKeys {
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
            throw KeySetError(description: "error validating token: error verifying token signature: fetching keys oidc: get keys failed \(error)")
        }
        return await SignatureKeys.jwks(document)
    }
}

/// A key set problem, worded as OpenBao words it.
struct KeySetError: Error, CustomStringConvertible {
    let description: String
}
