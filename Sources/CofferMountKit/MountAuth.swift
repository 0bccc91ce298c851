/// What a login grants: a description of the token to mint. Only the core mints
/// tokens; a mount returns this and creates nothing.
package struct MountAuth: Sendable, Equatable {
    /// Policy names as configured; the core normalizes them and adds `default`.
    package var policies: [String]
    /// `<mount>-<alias>`, as Vault names login tokens.
    package var displayName: String
    package var metadata: [String: String]
    package var tokenSettings: TokenSettings
    /// The identity alias (the user claim, the role id): a stable entity id comes from it.
    package var aliasName: String
    /// The alias's metadata in the identity store (a JWT role's `claim_mappings`),
    /// which templated policies read as `identity.entity.aliases.<accessor>.metadata.<key>`.
    package var aliasMetadata: [String: String]

    package init(
        policies: [String], displayName: String, metadata: [String: String], tokenSettings: TokenSettings, aliasName: String,
        aliasMetadata: [String: String] = [:]
    ) {
        self.policies = policies
        self.displayName = displayName
        self.metadata = metadata
        self.tokenSettings = tokenSettings
        self.aliasName = aliasName
        self.aliasMetadata = aliasMetadata
    }
}
