import CofferMountKit

extension JWTAuthMount {
    /// Every path of a JWT/OIDC mount (spec/jwt-auth.md §1-§3).
    static let paths = PathTable<JWTAuthMount>(
        [
            MountPath(
                "config",
                fields: configFields,
                operations: [
                    .read: { jwt, _ in try await jwt.readConfig() },
                    .update: { jwt, call in try await jwt.writeConfig(call.request) },
                ],
                synopsis: "Configures the issuer whose tokens this mount accepts.",
                description:
                    "Names where the signing keys come from (an OIDC discovery URL, a JWKS URL, or public keys given here), the issuer a token must name, and the role used when a login names none."
            ),
            MountPath(
                "role",
                operations: [.list: { jwt, _ in try await jwt.state.listedRoles() }],
                synopsis: "Lists the roles of this mount."
            ),
            MountPath(
                "role/{name}",
                fields: [FieldSpec.capture("name", "Name of the role.")] + roleFields + TokenSettings.fields,
                operations: [
                    .read: { jwt, call in try await jwt.state.shownRole(call["name"].lowercased()) },
                    .update: { jwt, call in try await jwt.writeRole(call.request, name: call["name"].lowercased()) },
                    .delete: { jwt, call in try await jwt.state.deletedRole(call["name"].lowercased()) },
                ],
                exists: { jwt, call in try await jwt.state.role(call["name"].lowercased()) != nil },
                synopsis: "Registers a role: which tokens may log in with it, and the token they get.",
                description:
                    "A login names a role. The role's bounds (audiences, subject, claims) must all hold for the token presented, and its token settings shape the Coffer token issued."
            ),
            MountPath(
                "login",
                fields: [
                    FieldSpec("role", .string, "The role to log in with; the mount's default role when absent."),
                    FieldSpec("jwt", .string, "The signed JWT to validate."),
                ],
                operations: [.update: { jwt, call in try await jwt.login(call.request) }],
                unauthenticated: true,
                synopsis: "Authenticates with a signed JWT (an OIDC identity token).",
                description:
                    "Checks the token's signature against the configured keys and its claims against the role, and issues a token with the role's policies."
            ),
        ],
        backendHelp:
            "The JWT auth method: a client logs in with a JWT signed by a configured issuer, such as the OIDC token a CI platform hands its jobs."
    )

    private static let configFields: [FieldSpec] = [
        FieldSpec("oidc_discovery_url", .string, "The issuer's OIDC discovery URL; its keys are fetched from there."),
        FieldSpec("oidc_discovery_ca_pem", .string, "CA certificates (PEM) to trust for the discovery URL."),
        FieldSpec("jwks_url", .string, "A JWKS URL to fetch signing keys from, instead of discovery."),
        FieldSpec("jwks_ca_pem", .string, "CA certificates (PEM) to trust for the JWKS URL."),
        FieldSpec("jwt_validation_pubkeys", .list, "Public keys (PEM) to check signatures with, instead of fetching them."),
        FieldSpec("jwt_supported_algs", .list, "The signing algorithms accepted; all asymmetric ones when empty."),
        FieldSpec("bound_issuer", .string, "The value the \"iss\" claim must have."),
        FieldSpec("default_role", .string, "The role used by a login that names none."),
        FieldSpec("oidc_client_id", .string, "The OAuth client ID, for the OIDC browser flow."),
        FieldSpec("oidc_client_secret", .string, "The OAuth client secret, for the OIDC browser flow."),
        FieldSpec("oidc_response_mode", .string, "The OIDC response mode: query or form_post."),
        FieldSpec("oidc_response_types", .list, "The OIDC response types: code or id_token."),
        FieldSpec("override_allowed_server_names", .list, "Server names accepted in the issuer's certificate besides the URL's host."),
        FieldSpec("namespace_in_state", .bool, "Whether the namespace travels in the OIDC state parameter."),
        FieldSpec(
            "skip_jwks_validation", .bool,
            "When true, a discovery or JWKS URL that cannot be reached is saved with a warning instead of refused."),
    ]

    private static let roleFields: [FieldSpec] = [
        FieldSpec("role_type", .string, "The role's type: jwt, or oidc for the browser flow."),
        FieldSpec("user_claim", .string, "The claim that names the user (the alias's name)."),
        FieldSpec("user_claim_json_pointer", .bool, "Whether user_claim is a JSON pointer into nested claims."),
        FieldSpec("bound_audiences", .list, "Values the \"aud\" claim may have; one match is enough."),
        FieldSpec("bound_subject", .string, "The value the \"sub\" claim must have."),
        FieldSpec("bound_claims", .map, "Claims and the values they must have (a list means any of them)."),
        FieldSpec("bound_claims_type", .string, "How bound_claims values compare: string (exact) or glob."),
        FieldSpec("claim_mappings", .map, "Claims copied into the token's metadata, under the names given.", unchecked: true),
        FieldSpec("groups_claim", .string, "The claim that lists the user's groups."),
        FieldSpec("clock_skew_leeway", .duration, "Leeway for clock skew on the \"iat\" and \"nbf\" claims."),
        FieldSpec("expiration_leeway", .duration, "Leeway on the \"exp\" claim."),
        FieldSpec("not_before_leeway", .duration, "Leeway on the \"nbf\" claim."),
        FieldSpec("verbose_oidc_logging", .bool, "Log the claims of each OIDC login (for debugging)."),
        FieldSpec("allowed_redirect_uris", .list, "Redirect URIs the OIDC browser flow may return to."),
        FieldSpec("oidc_scopes", .list, "Scopes requested in the OIDC browser flow."),
        FieldSpec("callback_mode", .string, "Where the OIDC flow calls back: client or device."),
        FieldSpec("max_age", .duration, "The most time since the user last authenticated at the provider."),
    ]
}
