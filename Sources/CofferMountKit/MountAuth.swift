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
    /// The login's groups as the auth method names them (a JWT role's
    /// `groups_claim`): the entity joins the external groups with these alias
    /// names on the mount, and leaves the mount's others. Nil: the method names
    /// no groups, and memberships stay as they are.
    package var groupAliases: [String]?

    package init(
        policies: [String], displayName: String, metadata: [String: String], tokenSettings: TokenSettings, aliasName: String,
        aliasMetadata: [String: String] = [:], groupAliases: [String]? = nil
    ) {
        self.policies = policies
        self.displayName = displayName
        self.metadata = metadata
        self.tokenSettings = tokenSettings
        self.aliasName = aliasName
        self.aliasMetadata = aliasMetadata
        self.groupAliases = groupAliases
    }
}
