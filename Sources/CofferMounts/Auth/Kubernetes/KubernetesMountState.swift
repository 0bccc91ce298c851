import CofferMountKit
import Foundation

/// The mount's config and roles (`AuthMountRecords`), with what a login
/// derives from the config (the parsed `pem_keys`, the API client with its CA).
final class KubernetesMountState: Sendable {
    /// What one login works with.
    struct Settings: Sendable {
        let config: KubernetesConfig
        /// nil when no `pem_keys` are configured: signatures are not checked.
        let signatureKeys: SignatureKeys?
        let client: KubernetesAPIClient
        /// The configured reviewer JWT, else the pod's token; nil means the
        /// client's own JWT is the bearer.
        let reviewerJWT: String?
    }

    /// What a login derives from the config, made once per config write (and CA change).
    struct Derived: Sendable {
        let caPEM: String
        let signatureKeys: SignatureKeys?
        let client: KubernetesAPIClient
    }

    let records: AuthMountRecords<KubernetesConfig, KubernetesRole, Derived>
    let local: LocalServiceAccount

    init(storage: StorageView, local: LocalServiceAccount) {
        self.records = AuthMountRecords(storage: storage)
        self.local = local
    }

    /// The settings for a login; nil when the mount has no config. The pod's
    /// CA and token are looked up on each call (`LocalServiceAccount` rereads
    /// them once a minute), and the API client is rebuilt when the CA changes.
    func settings() async throws -> Settings? {
        guard let config = try await records.currentConfig() else { return nil }
        let useLocal = !config.disableLocalCAJWT
        let caPEM = !config.caCert.isEmpty ? config.caCert : useLocal ? (local.caCertificate() ?? "") : ""
        let reviewer = !config.tokenReviewerJWT.isEmpty ? config.tokenReviewerJWT : useLocal ? local.token() : nil
        let (cached, generation) = records.derived()
        if let cached, cached.caPEM == caPEM {
            return Settings(config: config, signatureKeys: cached.signatureKeys, client: cached.client, reviewerJWT: reviewer)
        }
        let keys = config.pemKeys.isEmpty ? nil : await SignatureKeys.pem(config.pemKeys.compactMap(StaticKeys.parse))
        let client: KubernetesAPIClient
        do {
            client = try KubernetesAPIClient(baseURL: config.baseURL, caPEM: caPEM)
        } catch {
            throw MountError.internal("the cluster CA certificate could not be parsed")
        }
        let kept = records.keep(Derived(caPEM: caPEM, signatureKeys: keys, client: client), madeAt: generation) { $0.caPEM == caPEM }
        return Settings(config: config, signatureKeys: kept.signatureKeys, client: kept.client, reviewerJWT: reviewer)
    }
}
