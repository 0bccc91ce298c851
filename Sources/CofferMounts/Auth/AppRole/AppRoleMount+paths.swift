import CofferMountKit

extension AppRoleMount {
    /// Every path of an AppRole mount (spec/vault-api.md §7).
    static let paths = PathTable<AppRoleMount>(
        [
            MountPath(
                "login",
                fields: [
                    FieldSpec("role_id", .string, "The role's ID."),
                    FieldSpec("secret_id", .string, "A secret ID issued for the role."),
                ],
                operations: [.update: { approle, call in try await approle.login(call.request) }],
                unauthenticated: true,
                synopsis: "Issues a token for a role ID and a secret ID.",
                description:
                    "The secret ID must belong to the role, be unexpired, have uses left and be presented from its bound networks; one use is spent by the login."
            ),
            MountPath(
                "role",
                operations: [.list: { approle, _ in try await approle.listRoles() }],
                synopsis: "Lists the roles of this mount."
            ),
            MountPath(
                "role/{role_name}",
                fields: [roleName] + roleFields + TokenSettings.fields,
                operations: [
                    .read: { approle, call in try await approle.readRole(call.name) },
                    .update: { approle, call in try await approle.writeRole(call.request, call.name) },
                    .delete: { approle, call in try await approle.deleteRole(call.name) },
                ],
                exists: { approle, call in try await approle.loadRole(call.name) != nil },
                synopsis: "Registers a role: the conditions on its secret IDs and the token a login gets.",
                description:
                    "A machine logs in with the role's ID and a secret ID issued for it. The role bounds where and how often secret IDs may be used, and its token settings shape the token issued."
            ),
            MountPath(
                "role/{role_name}/role-id",
                fields: [roleName, FieldSpec("role_id", .string, "The role ID to set in place of the generated one.")],
                operations: [
                    .read: { approle, call in try await approle.readRoleID(call.name) },
                    .update: { approle, call in try await approle.writeRoleID(call.request, call.name) },
                ],
                synopsis: "Reads or sets the role's ID."
            ),
            MountPath(
                "role/{role_name}/secret-id",
                fields: [roleName] + secretIDFields,
                operations: [
                    .update: { approle, call in try await approle.generate(call.request, call.name, custom: false) },
                    .list: { approle, call in try await approle.listSecretIDAccessors(call.name) },
                ],
                synopsis: "Issues a secret ID for the role, or lists the accessors of those issued."
            ),
            MountPath(
                "role/{role_name}/custom-secret-id",
                fields: [roleName, FieldSpec("secret_id", .string, "The secret ID to store.")] + secretIDFields,
                operations: [.update: { approle, call in try await approle.generate(call.request, call.name, custom: true) }],
                synopsis: "Stores a secret ID chosen by the caller for the role."
            ),
            secretIDAction("secret-id/lookup", by: "secret_id", synopsis: "Reads the properties of a secret ID."),
            secretIDAction("secret-id/destroy", by: "secret_id", synopsis: "Invalidates a secret ID."),
            secretIDAction(
                "secret-id-accessor/lookup", by: "secret_id_accessor", synopsis: "Reads the properties of a secret ID by its accessor."),
            secretIDAction("secret-id-accessor/destroy", by: "secret_id_accessor", synopsis: "Invalidates a secret ID by its accessor."),
        ] + roleFieldPaths,
        backendHelp:
            "The AppRole auth method: a machine logs in with a role ID and a secret ID, typically a single-use one delivered response-wrapped."
    )

    private static let roleName = FieldSpec.capture("role_name", "Name of the role.")

    private static let roleFields: [FieldSpec] = [
        FieldSpec("bind_secret_id", .bool, "Whether a login must present a secret ID.", default: "true"),
        FieldSpec("secret_id_bound_cidrs", .list, "Networks (CIDR blocks) secret IDs may be used from."),
        FieldSpec("secret_id_num_uses", .int, "How many logins a secret ID allows; 0 means no limit."),
        FieldSpec("secret_id_ttl", .duration, "How long a secret ID is valid; 0 means no expiry."),
        FieldSpec("local_secret_ids", .bool, "Whether secret IDs stay on this cluster (kept for compatibility)."),
    ]

    private static let secretIDFields: [FieldSpec] = [
        FieldSpec("metadata", .map, "String pairs kept with the secret ID and copied into the token's metadata."),
        FieldSpec("cidr_list", .list, "Networks the secret ID may be used from; a subset of the role's."),
        FieldSpec("token_bound_cidrs", .list, "Networks the issued token may be used from; a subset of the role's."),
        FieldSpec("num_uses", .int, "How many logins this secret ID allows."),
        FieldSpec("ttl", .duration, "How long this secret ID is valid."),
    ]

    /// `role/<name>/secret-id[-accessor]/<lookup|destroy>`: a write naming one secret ID.
    private static func secretIDAction(_ action: String, by field: String, synopsis: String) -> MountPath<AppRoleMount> {
        MountPath(
            "role/{role_name}/" + action,
            fields: [roleName, FieldSpec(field, .string, "The secret ID" + (field == "secret_id" ? "." : "'s accessor."))],
            operations: [.update: { approle, call in try await approle.secretIDAction(call.request, call.name, action: action) }],
            synopsis: synopsis
        )
    }

    /// `role/<name>/<field>`: one setting of the role, read or written alone.
    private static let roleFieldPaths: [MountPath<AppRoleMount>] = [
        ("policies", FieldSpec("token_policies", .list, "Policies attached to tokens issued by this role.")),
        ("secret-id-num-uses", FieldSpec("secret_id_num_uses", .int, "How many logins a secret ID allows.")),
        ("secret-id-ttl", FieldSpec("secret_id_ttl", .duration, "How long a secret ID is valid.")),
        ("token-ttl", FieldSpec("token_ttl", .duration, "The lifetime of issued tokens.")),
        ("token-max-ttl", FieldSpec("token_max_ttl", .duration, "The longest lifetime issued tokens can be renewed to.")),
        ("secret-id-bound-cidrs", FieldSpec("secret_id_bound_cidrs", .list, "Networks secret IDs may be used from.")),
        ("token-bound-cidrs", FieldSpec("token_bound_cidrs", .list, "Networks issued tokens may be used from.")),
        ("period", FieldSpec("token_period", .duration, "The period of issued tokens.")),
        ("token-num-uses", FieldSpec("token_num_uses", .int, "How many requests an issued token may make.")),
    ].map { suffix, field in
        MountPath(
            "role/{role_name}/" + suffix,
            fields: [roleName, field],
            operations: [
                .read: { approle, call in try await approle.readRoleField(call.name, key: field.name, alias: suffix) },
                .update: { approle, call in try await approle.writeRoleField(call.request, call.name, key: field.name, alias: suffix) },
            ],
            synopsis: "Reads or sets the role's \(field.name) alone."
        )
    }
}

extension PathCall {
    /// The role a path names, as stored: role names are case-insensitive.
    fileprivate var name: String { self["role_name"].lowercased() }
}
