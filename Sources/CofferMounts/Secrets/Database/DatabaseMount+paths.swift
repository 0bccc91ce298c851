import CofferMountKit

extension DatabaseMount {
    /// Every path of a database mount (spec/vault-api.md §12).
    static let paths = PathTable<DatabaseMount>(
        [
            MountPath(
                "config",
                operations: [.list: { db, _ in try await db.list("config/") }],
                synopsis: "Lists the configured connections."
            ),
            MountPath(
                "config/{name}",
                fields: [name] + configFields,
                operations: [
                    .read: { db, call in try await db.readConfig(call["name"]) },
                    .update: { db, call in try await db.writeConfig(call.request, call["name"]) },
                    .delete: { db, call in try await db.deleteConfig(call["name"]) },
                ],
                exists: { db, call in try await db.loadConfig(call["name"]) != nil },
                synopsis: "Configures a connection to a database.",
                description: """
                    The plugin's connection details (for PostgreSQL: connection_url with {{username}} and \
                    {{password}} templates, username, password) and which roles may use it. The write \
                    connects to check the details unless verify_connection is false. A read never shows \
                    the password.
                    """
            ),
            MountPath(
                "reset/{name}",
                fields: [name],
                operations: [.update: { db, call in try await db.resetConnection(call["name"]) }],
                synopsis: "Closes a connection's pool and opens a new one from its config."
            ),
            MountPath(
                "rotate-root/{name}",
                fields: [name],
                operations: [.update: { db, call in try await db.rotateRoot(call["name"]) }],
                synopsis: "Sets a new root password that only Coffer knows.",
                description:
                    "The new password is recorded before it is set in the database, so a crash in between leaves Coffer able to connect; the old password stops working."
            ),
            MountPath(
                "roles",
                operations: [.list: { db, _ in try await db.list("role/") }],
                synopsis: "Lists the roles."
            ),
            MountPath(
                "roles/{name}",
                fields: [name] + roleFields,
                operations: [
                    .read: { db, call in try await db.readRole(call["name"]) },
                    .update: { db, call in try await db.writeRole(call.request, call["name"]) },
                    .delete: { db, call in try await db.deleteRole(call["name"]) },
                ],
                exists: { db, call in try await db.loadRole(call["name"]) != nil },
                synopsis: "Manages the roles that make dynamic credentials.",
                description: """
                    A role names a connection and the statements that create a user ({{name}}, \
                    {{password}} and {{expiration}} are filled in), revoke it, renew it and roll a failed \
                    creation back, with the lease TTLs of its credentials.
                    """
            ),
            MountPath(
                "static-roles",
                operations: [.list: { db, _ in try await db.list("static-role/") }],
                synopsis: "Lists the static roles."
            ),
            MountPath(
                "static-roles/{name}",
                fields: [name] + staticRoleFields,
                operations: [
                    .read: { db, call in try await db.readStaticRole(call["name"]) },
                    .update: { db, call in try await db.writeStaticRole(call.request, call["name"]) },
                    .delete: { db, call in try await db.deleteStaticRole(call["name"]) },
                ],
                exists: { db, call in try await db.loadStaticRole(call["name"]) != nil },
                synopsis: "Manages roles whose existing user's password Coffer rotates.",
                description:
                    "A static role names an existing database user; Coffer sets its password when the role is written and every rotation_period after."
            ),
            MountPath(
                "static-creds/{name}",
                fields: [name],
                operations: [.read: { db, call in try await db.staticCredentials(call["name"]) }],
                synopsis: "Reads a static role's current password and how long it has left."
            ),
            MountPath(
                "rotate-role/{name}",
                fields: [name],
                operations: [.update: { db, call in try await db.rotateRoleNow(call["name"]) }],
                synopsis: "Rotates a static role's password now."
            ),
            MountPath(
                "creds/{name}",
                fields: [name],
                operations: [.read: { db, call in try await db.credentials(call.request, call["name"]) }],
                synopsis: "Makes a new database user for a role, as a lease.",
                description:
                    "Each read runs the role's creation statements in one transaction and returns the user's name and password; revoking the lease (or its token) drops the user."
            ),
        ],
        backendHelp: """
            The database secrets engine makes a database user per request, from a role's \
            statements, and drops it when the lease ends or the token that asked is revoked.
            """
    )

    private static let name = FieldSpec.capture("name", "Name of the connection or role.")

    private static let configFields: [FieldSpec] = [
        FieldSpec("plugin_name", .string, "The database plugin: postgresql-database-plugin."),
        FieldSpec("plugin_version", .string, "The plugin's version; empty for the built-in one."),
        FieldSpec("verify_connection", .bool, "Whether the write connects to check the details.", default: "true"),
        FieldSpec("allowed_roles", .list, "Roles (globs, or *) that may use this connection; empty allows none."),
        FieldSpec("root_rotation_statements", .list, "Statements that set the root user's new password on rotate-root."),
        FieldSpec("password_policy", .string, "The password policy of generated passwords."),
        FieldSpec("connection_url", .string, "postgresql://{{username}}:{{password}}@host:port/db?sslmode=..."),
        FieldSpec("username", .string, "The root user."),
        FieldSpec("password", .string, "The root user's password; never read back."),
        FieldSpec("max_open_connections", .int, "Connections in the pool, at most.", default: "4"),
        FieldSpec("username_template", .string, "How dynamic user names are made."),
        FieldSpec("password_authentication", .string, "password, or scram-sha-256 to send only the SCRAM verifier.", default: "password"),
        FieldSpec("disable_escaping", .bool, "Whether {{username}} and {{password}} go into the URL unescaped."),
    ]

    private static let staticRoleFields: [FieldSpec] = [
        FieldSpec("db_name", .string, "The connection the user lives on."),
        FieldSpec("username", .string, "The existing database user; cannot change once set."),
        FieldSpec("rotation_period", .duration, "How often the password is rotated; 5 seconds at least."),
        FieldSpec("rotation_statements", .list, "Statements that set the password; empty for ALTER ROLE ... WITH PASSWORD."),
        FieldSpec("credential_type", .string, "The kind of credential: password.", default: "password"),
    ]

    private static let roleFields: [FieldSpec] = [
        FieldSpec("db_name", .string, "The connection this role's users are made on."),
        FieldSpec("creation_statements", .list, "Statements that create the user."),
        FieldSpec("revocation_statements", .list, "Statements that drop the user; empty for the default."),
        FieldSpec("rollback_statements", .list, "Statements that undo a failed creation."),
        FieldSpec("renew_statements", .list, "Statements that extend the user's expiry; empty for the default."),
        FieldSpec("default_ttl", .duration, "The lease TTL of credentials; 0 for the mount's default."),
        FieldSpec("max_ttl", .duration, "The longest a credential's lease can be renewed to; 0 for the mount's maximum."),
        FieldSpec("credential_type", .string, "The kind of credential: password.", default: "password"),
    ]
}
