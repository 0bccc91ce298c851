import CofferMountKit
import CoreMetrics

/// The mount types a server can enable, by the type name `sys/mounts` and
/// `sys/auth` take: one table for the server and the tests.
package enum BuiltinMounts {
    package static let factories: [String: MountFactory] = makeFactories(metrics: NOOPMetricsHandler.instance)

    /// The table, with the mounts that record metrics (JWKS fetches) recording into `metrics`.
    package static func makeFactories(metrics: any MetricsFactory) -> [String: MountFactory] {
        [
            "kv": KVMountFactory.factory,
            "jwt": JWTAuthMount.makeFactory(metrics: metrics),
            "oidc": JWTAuthMount.makeFactory(metrics: metrics),
            "approle": AppRoleMount.factory,
            "cert": CertAuthMount.factory,
            "kubernetes": KubernetesAuthMount.factory,
            // Both an auth method and a secrets engine, as in Vault: the table it is enabled in says which.
            "aws": { context in context.isAuthMethod ? try AWSAuthMount.factory(context) : try AWSSecretsMount.factory(context) },
            "gcp": GCPAuthMount.factory,
            "azure": AzureAuthMount.factory,
            "database": DatabaseMount.factory,
        ]
    }
}
