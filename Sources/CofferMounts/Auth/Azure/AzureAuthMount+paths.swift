import CofferMountKit

extension AzureAuthMount {
    /// Every path of an Azure auth mount (Vault's `auth/azure`).
    static let paths = PathTable<AzureAuthMount>(
        [
            MountPath(
                "config",
                fields: [
                    FieldSpec("tenant_id", .string, "The tenant whose managed identities log in."),
                    FieldSpec("resource", .string, "The audience the tokens must carry."),
                    FieldSpec("environment", .string, "The Azure cloud.", default: "AzurePublicCloud"),
                    FieldSpec("client_id", .string, "The application Coffer reads the resource manager as."),
                    FieldSpec("client_secret", .string, "That application's secret; never read back."),
                    FieldSpec("authority_host", .string, "Azure AD's endpoint, instead of the cloud's (Coffer's addition)."),
                    FieldSpec("resource_manager_endpoint", .string, "The resource manager, instead of the cloud's (Coffer's addition)."),
                    FieldSpec("ca_cert", .string, "PEM CA to trust for those endpoints (Coffer's addition)."),
                ],
                operations: [
                    .read: { mount, _ in try await mount.readConfig() },
                    .update: { mount, call in try await mount.writeConfig(call.request) },
                ],
                synopsis: "Configures the tenant, audience and resource manager access."
            ),
            MountPath(
                "role", operations: [.list: { mount, _ in try await mount.state.records.listedRoles() }],
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
                synopsis: "Registers a role: which managed identities may log in, from where, and the token they get."
            ),
            MountPath(
                "login",
                fields: [
                    FieldSpec("role", .string, "The role to log in with."),
                    FieldSpec("jwt", .string, "The managed identity's access token."),
                    FieldSpec("subscription_id", .string, "The subscription of the VM or scale set."),
                    FieldSpec("resource_group_name", .string, "Its resource group."),
                    FieldSpec("vm_name", .string, "The VM's name."),
                    FieldSpec("vmss_name", .string, "The scale set's name (wins over vm_name)."),
                ],
                operations: [.update: { mount, call in try await mount.login(call.request) }],
                unauthenticated: true,
                synopsis: "Authenticates an Azure managed identity with its access token."
            ),
        ],
        backendHelp: "The Azure auth method: managed identities of VMs and scale sets log in with their access tokens."
    )

    private static let roleFields: [FieldSpec] = [
        FieldSpec("bound_service_principal_ids", .list, "Object IDs of the identities allowed to log in."),
        FieldSpec("bound_group_ids", .list, "Groups one of which the identity must be in."),
        FieldSpec("bound_locations", .list, "Locations the VM or scale set must be in."),
        FieldSpec("bound_subscription_ids", .list, "Subscriptions it must be in."),
        FieldSpec("bound_resource_groups", .list, "Resource groups it must be in."),
        FieldSpec("bound_scale_sets", .list, "Scale sets it must be part of."),
    ]
}
