import CofferMountKit

extension GCPAuthMount {
    /// Every path of a GCP auth mount (Vault's `auth/gcp`).
    static let paths = PathTable<GCPAuthMount>(
        [
            MountPath(
                "config",
                fields: [
                    FieldSpec(
                        "credentials", .string, "The JSON key of the service account Coffer calls Google's APIs as; never read back."),
                    FieldSpec(
                        "custom_endpoint", .map, "Endpoints to use instead of Google's: api, iam, compute, crm, token."),
                    FieldSpec("ca_cert", .string, "PEM CA to trust for the custom endpoints (Coffer's addition)."),
                ],
                operations: [
                    .read: { mount, _ in try await mount.readConfig() },
                    .update: { mount, call in try await mount.writeConfig(call.request) },
                ],
                synopsis: "Configures the credentials and endpoints for Google's APIs."
            ),
            MountPath(
                "role", operations: [.list: { mount, _ in try await mount.state.records.listedRoles() }],
                synopsis: "Lists the roles of this mount."),
            MountPath(
                "roles", operations: [.list: { mount, _ in try await mount.state.records.listedRoles() }],
                synopsis: "Lists the roles of this mount."),
            MountPath(
                "role/{name}",
                fields: [FieldSpec.capture("name", "Name of the role.")] + roleFields + TokenSettings.fields,
                operations: [
                    .read: { mount, call in try await mount.state.records.shownRole(call["name"].lowercased()) },
                    .update: { mount, call in try await mount.writeRole(call.request, name: call["name"].lowercased()) },
                    .delete: { mount, call in try await mount.state.records.deletedRole(call["name"].lowercased()) },
                ],
                exists: { mount, call in try await mount.state.records.role(call["name"].lowercased()) != nil },
                synopsis: "Registers a role: which service accounts or instances may log in, and the token they get."
            ),
            MountPath(
                "login",
                fields: [
                    FieldSpec("role", .string, "The role to log in with."),
                    FieldSpec("jwt", .string, "A JWT signed for the service account, or the instance's identity token."),
                ],
                operations: [.update: { mount, call in try await mount.login(call.request) }],
                unauthenticated: true,
                synopsis: "Authenticates a service account or a GCE instance with a Google-signed JWT."
            ),
        ],
        backendHelp: "The GCP auth method: service accounts (iam) and Compute Engine instances (gce) log in with Google-signed JWTs."
    )

    private static let roleFields: [FieldSpec] = [
        FieldSpec("type", .string, "iam or gce; set when the role is created."),
        FieldSpec("bound_service_accounts", .list, "Service account emails or IDs allowed to log in (\"*\" alone: any, iam only)."),
        FieldSpec("bound_projects", .list, "Projects the account or instance must belong to."),
        FieldSpec("max_jwt_exp", .duration, "How far ahead an iam JWT's exp may be.", default: "15m"),
        FieldSpec("allow_gce_inference", .bool, "Whether an iam role takes a GCE instance token.", default: "true"),
        FieldSpec("bound_zones", .list, "Zones the instance must run in (gce)."),
        FieldSpec("bound_regions", .list, "Regions the instance must run in, when no zones are bound (gce)."),
        FieldSpec(
            "bound_instance_groups", .list, "Instance groups, in the bound zones or regions, one of which must hold the instance (gce)."),
        FieldSpec("bound_labels", .list, "Labels the instance must carry, as key:value (gce).", unchecked: true),
    ]
}
