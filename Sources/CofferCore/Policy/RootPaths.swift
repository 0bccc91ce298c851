/// Paths that need `sudo` on top of the operation's own capability, as Vault's
/// root-protected paths do (`sys/seal`, enabling auth methods, orphan tokens...).
enum RootPaths {
    private static let exact: Set<String> = [
        "sys/seal", "sys/step-down", "sys/audit", "sys/raw", "sys/rotate", "sys/leases",
        "auth/token/accessors", "auth/token/accessors/", "auth/token/revoke-orphan", "auth/token/create-orphan",
    ]
    private static let prefixes = [
        "sys/auth/", "sys/audit/", "sys/raw/", "sys/leases/revoke-prefix/", "sys/leases/revoke-force/",
        "sys/leases/lookup/", "sys/revoke-prefix/", "sys/revoke-force/", "sys/config/auditing/",
        "sys/plugins/catalog/", "auth/token/revoke-orphan/",
    ]

    static func needsSudo(_ path: String) -> Bool {
        exact.contains(path) || prefixes.contains { path.hasPrefix($0) }
    }
}
