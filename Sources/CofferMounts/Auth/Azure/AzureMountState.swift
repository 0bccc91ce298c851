import CofferMountKit
import Foundation

/// The mount's config and roles, with what logins derive from the config:
/// the Azure client and the tenant's issuer and key set, found by discovery
/// on first use and kept until the config changes.
final class AzureMountState: Sendable {
    struct Derived: Sendable {
        let client: AzureAPIClient
        let issuer: String
        let keys: RemoteKeySet
    }

    let records: AuthMountRecords<AzureConfig, AzureRole, Derived>

    init(storage: StorageView) {
        records = AuthMountRecords(storage: storage)
    }

    /// The config and derived values; throws the refusal when none is
    /// configured or the tenant's discovery document cannot be had.
    func settings() async throws -> (AzureConfig, Derived) {
        guard let config = try await records.currentConfig() else {
            throw MountError.internal("unable to retrieve backend configuration: no config written")
        }
        let (cached, generation) = records.derived()
        if let cached { return (config, cached) }
        let client: AzureAPIClient
        do {
            client = try AzureAPIClient(config: config)
        } catch {
            throw MountError.internal("the configured ca_cert could not be used")
        }
        let discovered: (issuer: String, jwksURL: String)
        do throws(AzureAPIClient.Failure) {
            discovered = try await client.discovery()
        } catch {
            throw MountError.internal("unable to discover tenant \(config.tenantID): \(error.description)")
        }
        let fetcher = try KeyFetcher(caPEM: config.caCert)
        let made = Derived(
            client: client, issuer: discovered.issuer, keys: RemoteKeySet(fetcher: fetcher, discoveryURL: nil, jwksURL: discovered.jwksURL))
        return (config, records.keep(made, madeAt: generation) { _ in true })
    }
}
