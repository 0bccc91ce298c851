import CofferMountKit

extension AWSSecretsMount {
    /// Every path of an aws secrets mount (Vault's `builtin/logical/aws`).
    static let paths = PathTable<AWSSecretsMount>(
        [
            MountPath(
                "config/root",
                fields: rootFields,
                operations: [
                    .read: { aws, _ in try await aws.readRootConfig() },
                    .update: { aws, call in try await aws.writeRootConfig(call.request) },
                ],
                exists: { aws, _ in try await aws.loadRootConfig() != nil },
                synopsis: "Configures the root IAM credentials Coffer makes credentials with.",
                description:
                    "The access key and secret key of an IAM user allowed to manage users and call STS, with the endpoints and region to use. A read never shows the secret key."
            ),
            MountPath(
                "config/rotate-root",
                operations: [.update: { aws, _ in try await aws.rotateRoot() }],
                synopsis: "Replaces the root access key with a new one that only Coffer knows.",
                description: "A new key is made for the root user through IAM and stored; the old key is then deleted."
            ),
            MountPath(
                "config/lease",
                fields: [
                    FieldSpec("lease", .duration, "The lease of an iam_user credential."),
                    FieldSpec("lease_max", .duration, "The longest an iam_user credential's lease can be renewed to."),
                ],
                operations: [
                    .read: { aws, _ in try await aws.readLeaseConfig() },
                    .update: { aws, call in try await aws.writeLeaseConfig(call.request) },
                ],
                exists: { aws, _ in try await aws.loadLeaseConfig() != nil },
                synopsis: "Configures the lease of IAM user credentials."
            ),
            MountPath(
                "roles",
                operations: [.list: { aws, _ in try await aws.listRoles() }],
                synopsis: "Lists the roles."
            ),
            MountPath(
                "roles/{name}",
                fields: [name] + roleFields,
                operations: [
                    .read: { aws, call in try await aws.readRole(call["name"]) },
                    .update: { aws, call in try await aws.writeRole(call.request, call["name"]) },
                    .delete: { aws, call in try await aws.deleteRole(call["name"]) },
                ],
                exists: { aws, call in try await aws.loadRole(call["name"]) != nil },
                synopsis: "Manages the roles that credentials are made for.",
                description: """
                    A role's credential_type says what a read of creds/<role> or sts/<role> makes: an IAM user \
                    (iam_user: policy_arns, policy_document, iam_groups, iam_tags, permissions_boundary_arn, \
                    user_path) or STS credentials (assumed_role: role_arns, session_tags, external_id; \
                    federation_token; session_token), with default_sts_ttl and max_sts_ttl for STS.
                    """
            ),
            MountPath(
                "creds/{name}",
                fields: [name] + credsFields,
                operations: [
                    .read: { aws, call in try await aws.credentials(call.request, call["name"]) },
                    .update: { aws, call in try await aws.credentials(call.request, call["name"]) },
                ],
                synopsis: "Makes credentials for a role.",
                description: credsDescription
            ),
            MountPath(
                "sts/{name}",
                fields: [name] + credsFields,
                operations: [
                    .read: { aws, call in try await aws.credentials(call.request, call["name"]) },
                    .update: { aws, call in try await aws.credentials(call.request, call["name"]) },
                ],
                synopsis: "Makes credentials for a role.",
                description: credsDescription
            ),
        ],
        backendHelp: """
            The aws secrets engine makes AWS credentials per request: an IAM user whose lease removes it, \
            or STS credentials that expire by themselves.
            """
    )

    private static let name = FieldSpec.capture("name", "Name of the role.")

    private static let credsDescription = """
        An iam_user role makes a new IAM user with an access key, leased: revoking the lease (or the token \
        that asked) deletes the key, the user's policies and group memberships, and the user. The STS \
        types answer with a session token as well; they cannot be revoked and end at their ttl.
        """

    private static let rootFields: [FieldSpec] = [
        FieldSpec("access_key", .string, "The access key ID of the root IAM user."),
        FieldSpec("secret_key", .string, "Its secret access key; never read back."),
        FieldSpec("region", .string, "The region STS calls are signed for.", default: "us-east-1"),
        FieldSpec("iam_endpoint", .string, "The IAM endpoint URL.", default: "https://iam.amazonaws.com"),
        FieldSpec("sts_endpoint", .string, "The STS endpoint URL.", default: "https://sts.amazonaws.com"),
        FieldSpec("max_retries", .int, "Retries of a throttled or failed call; -1 for the default (3).", default: "-1"),
        FieldSpec("username_template", .string, "How IAM user and session names are made."),
    ]

    private static let credsFields: [FieldSpec] = [
        FieldSpec("ttl", .duration, "Lifetime of the credentials: of STS credentials, or of an IAM user's lease."),
        FieldSpec("role_arn", .string, "The role to assume, one of the role's role_arns (assumed_role)."),
        FieldSpec("role_session_name", .string, "The assumed role's session name; made up when empty."),
    ]

    private static let roleFields: [FieldSpec] = [
        FieldSpec("credential_type", .string, "iam_user, assumed_role, federation_token or session_token."),
        FieldSpec("policy_arns", .list, "Managed policies attached to the user, or passed to STS."),
        FieldSpec("policy_document", .string, "An IAM policy document: the user's inline policy, or a session policy for STS."),
        FieldSpec("iam_groups", .list, "Groups the IAM user is added to."),
        FieldSpec("iam_tags", .map, "Tags put on the IAM user (key=value pairs).", unchecked: true),
        FieldSpec("permissions_boundary_arn", .string, "The IAM user's permissions boundary."),
        FieldSpec("user_path", .string, "The IAM user's path.", default: "/"),
        FieldSpec("role_arns", .list, "The roles an assumed_role credential may assume."),
        FieldSpec("default_sts_ttl", .duration, "The lifetime of STS credentials when the request sets none."),
        FieldSpec("max_sts_ttl", .duration, "The longest lifetime a request may ask for."),
        FieldSpec("session_tags", .map, "Session tags passed to AssumeRole (key=value pairs).", unchecked: true),
        FieldSpec("external_id", .string, "The external ID passed to AssumeRole."),
    ]
}
