import CofferMountKit

/// The mount types a server can enable, by the type name `sys/mounts` and
/// `sys/auth` take: one table for the server and the tests.
package enum BuiltinMounts {
    package static let factories: [String: MountFactory] = [
        "kv": KVMountFactory.factory,
        "jwt": JWTAuthMount.factory,
        "oidc": JWTAuthMount.factory,
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
