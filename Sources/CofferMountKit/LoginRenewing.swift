/// An auth method that must agree before a token it issued is renewed (Vault's
/// `pathLoginRenew`): `auth/cert` asks for the same client certificate on the
/// renewing connection.
package protocol LoginRenewing: Sendable {
    /// Throws the refusal when the token may not be renewed. `request` is the
    /// renewal as the mount sees it (its `login` path, the renewing connection's
    /// address and certificates); `metadata` is the token's, as the login set it.
    func checkRenewal(_ request: MountRequest, metadata: [String: String], policies: [String]) async throws
}
