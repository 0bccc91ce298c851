import CofferMountKit

extension CertAuthMount {
    /// Every path of a cert mount (spec/vault-api.md §9).
    static let paths = PathTable<CertAuthMount>(
        [
            MountPath(
                "login",
                fields: [FieldSpec("name", .string, "The role to log in with; every role is tried when empty.")],
                operations: [.update: { cert, call in try await cert.login(call.request) }],
                unauthenticated: true,
                synopsis: "Issues a token for the client certificate presented on the TLS connection.",
                description:
                    "Roles that pin this very certificate are tried first, then the roles whose CA the certificate chains to, in name order; the first whose constraints all hold gives the token."
            ),
            MountPath(
                "certs",
                operations: [.list: { cert, _ in try await cert.listRoles() }],
                synopsis: "Lists the trusted certificates (roles) of this mount."
            ),
            MountPath(
                "certs/{name}",
                fields: [FieldSpec.capture("name", "Name of the role.")] + roleFields + TokenSettings.fields,
                operations: [
                    .read: { cert, call in try await cert.readRole(call["name"]) },
                    .update: { cert, call in try await cert.writeRole(call.request, call["name"]) },
                    .delete: { cert, call in try await cert.deleteRole(call["name"]) },
                ],
                exists: { cert, call in try await cert.loadRole(call["name"]) != nil },
                synopsis: "Registers a trusted CA or leaf certificate, the constraints on client certificates, and the token a login gets.",
                description:
                    "Deleting a role does not revoke tokens already issued; with binding on (the default) their next renewal fails."
            ),
            MountPath(
                "config",
                fields: [
                    FieldSpec("disable_binding", .bool, "Whether renewals may come without the login's certificate.", default: "false"),
                    FieldSpec("enable_identity_alias_metadata", .bool, "Whether the alias carries the login's metadata.", default: "false"),
                    FieldSpec("ocsp_cache_size", .int, "Size of the OCSP response cache.", default: "100"),
                ],
                operations: [
                    .read: { cert, _ in try await cert.readConfig() },
                    .update: { cert, call in try await cert.writeConfig(call.request) },
                ],
                synopsis: "Reads or sets the method's settings."
            ),
            MountPath(
                "crls",
                operations: [.list: { cert, _ in try await cert.listCRLs() }],
                synopsis: "Lists the certificate revocation lists of this mount."
            ),
            MountPath(
                "crls/{name}",
                fields: [
                    FieldSpec.capture("name", "Name of the CRL."),
                    FieldSpec("crl", .string, "The CRL, PEM or DER."),
                    FieldSpec("url", .string, "Where to fetch the CRL from; refetched after its NextUpdate."),
                ],
                operations: [
                    .read: { cert, call in try await cert.readCRL(call["name"]) },
                    .update: { cert, call in try await cert.writeCRL(call.request, call["name"]) },
                    .delete: { cert, call in try await cert.deleteCRL(call["name"]) },
                ],
                synopsis: "Stores, reads or deletes a certificate revocation list.",
                description: "A login whose chain holds a serial number on any stored CRL is refused."
            ),
        ],
        backendHelp:
            "The TLS certificate auth method: a client logs in with the certificate it presents on the TLS connection."
    )

    private static let roleFields: [FieldSpec] = [
        FieldSpec("certificate", .string, "The PEM certificate to trust: a CA, or a client's own (pinned) certificate."),
        FieldSpec("display_name", .string, "The display name of tokens issued by this role."),
        FieldSpec("allowed_names", .list, "Names (CN, DNS or email SANs), one of which must match; globs allowed."),
        FieldSpec("allowed_common_names", .list, "Common names, one of which must match; globs allowed."),
        FieldSpec("allowed_dns_sans", .list, "DNS SANs, one of which must match; globs allowed."),
        FieldSpec("allowed_email_sans", .list, "Email SANs, one of which must match; globs allowed."),
        FieldSpec("allowed_uri_sans", .list, "URI SANs (SPIFFE IDs), one of which must match; globs allowed."),
        FieldSpec("allowed_organizational_units", .list, "OUs, one of which must match; globs allowed."),
        FieldSpec("required_extensions", .list, "Extensions as oid:value, all of which must match; globs allowed in the value."),
        FieldSpec("allowed_metadata_extensions", .list, "OIDs whose values are copied into the token's metadata."),
        FieldSpec("ocsp_enabled", .bool, "Whether to check the client certificate with OCSP at login."),
        FieldSpec("ocsp_ca_certificates", .string, "PEM CA certificates that sign OCSP responses."),
        FieldSpec("ocsp_servers_override", .list, "OCSP responder URLs to use instead of the certificate's own."),
        FieldSpec("ocsp_fail_open", .bool, "Whether a login goes on when no OCSP answer can be had.", default: "false"),
        FieldSpec(
            "ocsp_query_all_servers", .bool, "Whether every responder must say good, not just the first to answer.", default: "false"),
        FieldSpec("lease", .int, "Deprecated: use token_ttl."),
    ]
}
