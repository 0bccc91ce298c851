import CofferMountKit

extension AWSAuthMount {
    /// Every path of an AWS auth mount (Vault's `auth/aws`, IAM type).
    static let paths = PathTable<AWSAuthMount>(
        [
            MountPath(
                "config/client",
                fields: configFields,
                operations: [
                    .read: { mount, _ in try await mount.readConfig() },
                    .update: { mount, call in try await mount.writeConfig(call.request) },
                    .delete: { mount, _ in try await mount.deleteConfig() },
                ],
                synopsis: "Configures the STS endpoint logins are confirmed by, and the keys for IAM lookups.",
                description:
                    "Names the STS endpoint the signed GetCallerIdentity of a login is sent to, the region it must be signed for, the server-ID header it must carry, and the keys Coffer signs IAM lookups with."
            ),
            MountPath(
                "role",
                operations: [.list: { mount, _ in try await mount.records.listedRoles() }],
                synopsis: "Lists the roles of this mount."
            ),
            MountPath(
                "roles",
                operations: [.list: { mount, _ in try await mount.records.listedRoles() }],
                synopsis: "Lists the roles of this mount."
            ),
            MountPath(
                "role/{role}",
                fields: [FieldSpec.capture("role", "Name of the role.")] + roleFields + TokenSettings.fields,
                operations: [
                    .read: { mount, call in try await mount.records.shownRole(call["role"].lowercased()) },
                    .update: { mount, call in try await mount.writeRole(call.request, name: call["role"].lowercased()) },
                    .delete: { mount, call in try await mount.records.deletedRole(call["role"].lowercased()) },
                ],
                exists: { mount, call in try await mount.records.role(call["role"].lowercased()) != nil },
                synopsis: "Registers a role: which IAM principals may log in with it, and the token they get.",
                description:
                    "A login names a role (or the principal's name does). The ARN STS confirms must be bound by the role, exactly, by its unique ID, or by a glob; the role's token settings shape the Coffer token issued."
            ),
            MountPath(
                "login",
                fields: [
                    FieldSpec("role", .string, "The role to log in with; the principal's name when omitted."),
                    FieldSpec("iam_http_request_method", .string, "The signed request's method (POST)."),
                    FieldSpec("iam_request_url", .string, "Base64 of the signed request's URL."),
                    FieldSpec("iam_request_body", .string, "Base64 of the signed request's body."),
                    FieldSpec(
                        "iam_request_headers", .string,
                        "The signed request's headers: base64 of a JSON object, or the object.", unchecked: true),
                ],
                operations: [.update: { mount, call in try await mount.login(call.request) }],
                unauthenticated: true,
                synopsis: "Authenticates an IAM principal with a signed GetCallerIdentity request.",
                description:
                    "Checks the request is exactly a signed GetCallerIdentity, sends it to STS, matches the ARN STS answers against the role, and issues a token with the role's policies."
            ),
        ],
        backendHelp:
            "The AWS auth method (IAM type): a client logs in with a GetCallerIdentity request signed by its AWS credentials, which STS confirms."
    )

    private static let configFields: [FieldSpec] = [
        FieldSpec("access_key", .string, "Access key ID Coffer signs IAM lookups with."),
        FieldSpec("secret_key", .string, "Secret access key for IAM lookups; never read back."),
        FieldSpec("endpoint", .string, "EC2 endpoint (unused: the ec2 type is not offered)."),
        FieldSpec("iam_endpoint", .string, "IAM endpoint for unique-ID and full-ARN lookups.", default: "https://iam.amazonaws.com"),
        FieldSpec("sts_endpoint", .string, "STS endpoint logins are sent to.", default: "https://sts.amazonaws.com"),
        FieldSpec("sts_region", .string, "The region a login's request must be signed for."),
        FieldSpec("iam_server_id_header_value", .string, "Value a login's signed X-Vault-AWS-IAM-Server-ID header must carry."),
        FieldSpec("max_retries", .int, "Retries of a failed STS or IAM call; -1 for the default (3).", default: "-1"),
    ]

    private static let roleFields: [FieldSpec] = [
        FieldSpec("auth_type", .string, "The login type; only iam.", default: "iam"),
        FieldSpec("bound_iam_principal_arn", .list, "IAM principal ARNs allowed to log in (exact, or with * globs)."),
        FieldSpec("bound_account_id", .list, "AWS account IDs the principal must belong to."),
        FieldSpec(
            "resolve_aws_unique_ids", .bool, "Bind exact ARNs by the unique ID IAM gives them when the role is written.",
            default: "true"),
    ]
}
