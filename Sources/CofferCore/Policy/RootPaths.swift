import CofferMountKit

/// Paths that need `sudo` on top of the operation's own capability, as Vault's
/// root-protected paths do (`sys/seal`, enabling auth methods, orphan tokens...).
///
/// Matched on UTF-8 bytes, as Vault matches them: with Swift's grapheme-aware
/// `hasPrefix`, `sys/auth/` + U+0301 ("/" and a combining accent are one
/// character) did not start with `sys/auth/`, and escaped the sudo check.
enum RootPaths {
    private static let exact: Set<ByteString> = Set(
        [
            "sys/seal", "sys/step-down", "sys/audit", "sys/raw", "sys/rotate", "sys/rotate/keyring", "sys/leases", "sys/remount",
            "auth/token/accessors", "auth/token/accessors/", "auth/token/revoke-orphan", "auth/token/create-orphan",
            // They show how every login and policy decides (issue 17).
            "sys/explain/login", "sys/explain/request", "sys/lint",
        ].map(ByteString.init))
    /// Each ends in `/`: a prefix covers whole segments (`sys/leases/lookup/`, never
    /// `sys/leases/lookupX`).
    private static let prefixes = [
        "sys/auth/", "sys/audit/", "sys/raw/", "sys/leases/revoke-prefix/", "sys/leases/revoke-force/",
        "sys/leases/lookup/", "sys/revoke-prefix/", "sys/revoke-force/", "sys/config/auditing/",
        "sys/plugins/catalog/", "auth/token/revoke-orphan/",
    ]

    static func needsSudo(_ path: String) -> Bool {
        exact.contains(ByteString(path)) || prefixes.contains { path.hasBytePrefix($0) }
    }
}
