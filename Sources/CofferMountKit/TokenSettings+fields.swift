extension TokenSettings {
    /// The `token_*` fields every login role takes, for its path table (the
    /// handler reads them, legacy names included, through `TokenSettings`).
    package static let fields: [FieldSpec] = [
        FieldSpec("token_ttl", .duration, "The lifetime of tokens issued by this role."),
        FieldSpec("token_max_ttl", .duration, "The longest lifetime a token issued by this role can be renewed to."),
        FieldSpec("token_explicit_max_ttl", .duration, "A hard limit on a token's lifetime, whatever the system and mount limits allow."),
        FieldSpec("token_period", .duration, "When set, tokens are periodic: each renewal extends them by this period."),
        FieldSpec("token_policies", .list, "Policies attached to tokens issued by this role."),
        FieldSpec("token_no_default_policy", .bool, "When true, the default policy is not attached to the tokens."),
        FieldSpec("token_num_uses", .int, "How many requests a token may make; 0 means no limit."),
        FieldSpec("token_type", .string, "The type of token to issue: service, batch, or default."),
        FieldSpec("token_bound_cidrs", .list, "Networks (CIDR blocks) the tokens may be used from."),
        FieldSpec("token_strictly_bind_ip", .bool, "When true, tokens may be used only from the address they were issued to."),
    ]
}
