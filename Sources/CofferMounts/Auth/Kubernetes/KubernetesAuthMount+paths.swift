import CofferMountKit

extension KubernetesAuthMount {
    /// Every path of a Kubernetes auth mount (spec/vault-api.md §10).
    static let paths = PathTable<KubernetesAuthMount>(
        [
            MountPath(
                "config",
                fields: configFields,
                operations: [
                    .read: { mount, _ in try await mount.readConfig() },
                    .update: { mount, call in try await mount.writeConfig(call.request) },
                ],
                synopsis: "Configures the Kubernetes API server that confirms service-account tokens.",
                description:
                    "Names the API server, the CA to trust for it, the JWT to authenticate TokenReviews with, and optional public keys to check token signatures locally."
            ),
            MountPath(
                "role",
                operations: [.list: { mount, _ in try await mount.state.records.listedRoles() }],
                synopsis: "Lists the roles of this mount."
            ),
            MountPath(
                "role/{name}",
                fields: [FieldSpec.capture("name", "Name of the role.")] + roleFields + TokenSettings.fields,
                operations: [
                    .read: { mount, call in try await mount.state.records.shownRole(call["name"].lowercased()) },
                    .update: { mount, call in try await mount.writeRole(call.request, name: call["name"].lowercased()) },
                    .delete: { mount, call in try await mount.state.records.deletedRole(call["name"].lowercased()) },
                ],
                exists: { mount, call in try await mount.state.records.role(call["name"].lowercased()) != nil },
                synopsis: "Registers a role: which service accounts may log in with it, and the token they get.",
                description:
                    "A login names a role. The service account's name and namespace must be bound by the role, and the API server must confirm the token; the role's token settings shape the Coffer token issued."
            ),
            MountPath(
                "login",
                fields: [
                    FieldSpec("role", .string, "The role to log in with."),
                    FieldSpec("jwt", .string, "The service-account JWT of the pod."),
                ],
                operations: [.update: { mount, call in try await mount.login(call.request) }],
                unauthenticated: true,
                synopsis: "Authenticates a Kubernetes service account with its JWT.",
                description:
                    "Checks the token's claims against the role, asks the API server to confirm the token (TokenReview), and issues a token with the role's policies."
            ),
        ],
        backendHelp:
            "The Kubernetes auth method: a pod logs in with its service-account token, which the cluster's API server confirms."
    )

    private static let configFields: [FieldSpec] = [
        FieldSpec("kubernetes_host", .string, "URL of the Kubernetes API server."),
        FieldSpec("kubernetes_ca_cert", .string, "PEM CA certificate(s) to trust for the API server."),
        FieldSpec("token_reviewer_jwt", .string, "JWT to authenticate TokenReview calls with; the client's own JWT when unset."),
        FieldSpec("pem_keys", .list, "PEM public keys or certificates to verify service-account JWT signatures with."),
        FieldSpec("issuer", .string, "The issuer the JWT must name, when issuer validation is on."),
        FieldSpec("disable_iss_validation", .bool, "Skip the issuer check (the default).", default: "true"),
        FieldSpec(
            "disable_local_ca_jwt", .bool, "Do not fall back on the pod's own CA and service-account token.", default: "false"),
    ]

    private static let roleFields: [FieldSpec] = [
        FieldSpec("bound_service_account_names", .list, "Service account names allowed to log in (globs; \"*\" for any)."),
        FieldSpec("bound_service_account_namespaces", .list, "Namespaces allowed to log in (globs; \"*\" for any)."),
        FieldSpec(
            "bound_service_account_namespace_selector", .string,
            "A label selector (JSON or YAML, matchLabels) for namespaces allowed to log in; ORed with the namespaces."),
        FieldSpec("audience", .string, "An audience the JWT's aud claim must contain."),
        FieldSpec(
            "alias_name_source", .string, "What names the identity alias: serviceaccount_uid or serviceaccount_name.",
            default: "serviceaccount_uid"),
    ]
}
