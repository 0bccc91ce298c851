import CofferMountKit
import Foundation
import Synchronization

/// The mount's config and roles (`AuthMountRecords`), with what logins derive
/// from the config: the Google API client (and its access token), Google's
/// OAuth2 key set, and one key set per service account seen, bounded.
final class GCPMountState: Sendable {
    final class Derived: Sendable {
        let client: GoogleAPIClient
        let fetcher: KeyFetcher
        let googleKeys: RemoteKeySet
        let apiBase: String
        /// Key sets of service accounts, by email or ID; at most `accountLimit`.
        private let accountKeys = Mutex<[String: RemoteKeySet]>([:])
        static let accountLimit = 1024

        init(config: GCPConfig) throws {
            let key = config.credentials.isEmpty ? nil : try? GCPServiceAccountKey(json: config.credentials)
            client = try GoogleAPIClient(key: key, tokenURL: config.customEndpoint["token"], caPEM: config.caCert)
            fetcher = try KeyFetcher(caPEM: config.caCert)
            apiBase = config.apiBase
            googleKeys = RemoteKeySet(fetcher: fetcher, discoveryURL: nil, jwksURL: apiBase + "/oauth2/v3/certs")
        }

        /// The published keys of service account `account` (an email or ID
        /// already checked to be one). A full cache starts over rather than grow.
        func keys(of account: String) -> RemoteKeySet {
            accountKeys.withLock { cache in
                if let known = cache[account] { return known }
                if cache.count >= Self.accountLimit { cache.removeAll() }
                let made = RemoteKeySet(fetcher: fetcher, discoveryURL: nil, jwksURL: apiBase + "/service_accounts/v1/jwk/" + account)
                cache[account] = made
                return made
            }
        }
    }

    let records: AuthMountRecords<GCPConfig, GCPRole, Derived>

    init(storage: StorageView) {
        records = AuthMountRecords(storage: storage)
    }

    /// The config (defaults when none was written) and what logins derive from it.
    func settings() async throws -> (GCPConfig, Derived) {
        let config = try await records.currentConfig() ?? GCPConfig()
        let (cached, generation) = records.derived()
        if let cached { return (config, cached) }
        let made: Derived
        do {
            made = try Derived(config: config)
        } catch {
            throw MountError.internal("the configured ca_cert could not be used")
        }
        return (config, records.keep(made, madeAt: generation) { _ in true })
    }
}
