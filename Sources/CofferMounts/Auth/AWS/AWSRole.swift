import CofferEncoding
import CofferMountKit
import Foundation

/// `auth/<mount>/role/<name>`: which IAM principals may log in and the token
/// they get (Vault's aws role, `auth_type=iam`). The EC2 auth type is not
/// offered: its fields read back empty, and asking for it is refused.
struct AWSRole: Codable, Sendable, Equatable, ShownRole {
    var authType = "iam"
    /// ARNs, each exact or with `*` globs.
    var boundIAMPrincipalARNs: [String] = []
    /// The unique IDs (`AIDA...`, `AROA...`) the exact ARNs resolved to when
    /// the role was written, with `resolve_aws_unique_ids`.
    var boundIAMPrincipalIDs: [String] = []
    /// Accounts the caller must belong to (Coffer applies it to IAM logins too).
    var boundAccountIDs: [String] = []
    var resolveAWSUniqueIDs = true
    /// A random ID made when the role is created: the identity alias's name.
    var roleID = ""
    var token = TokenSettings()

    /// The EC2 bindings Vault shows on every role; never set here.
    private static let ec2Fields = [
        "bound_ami_id", "bound_ec2_instance_id", "bound_iam_instance_profile_arn", "bound_iam_role_arn", "bound_region",
        "bound_subnet_id", "bound_vpc_id",
    ]

    var json: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "auth_type": .string(authType),
            "bound_iam_principal_arn": JSONValue(boundIAMPrincipalARNs),
            "bound_iam_principal_id": JSONValue(boundIAMPrincipalIDs),
            "bound_account_id": JSONValue(boundAccountIDs),
            "resolve_aws_unique_ids": .bool(resolveAWSUniqueIDs),
            "role_id": .string(roleID),
            "inferred_entity_type": "",
            "inferred_aws_region": "",
            "role_tag": "",
            "allow_instance_migration": false,
            "disallow_reauthentication": false,
        ]
        for name in Self.ec2Fields { object[name] = .array([]) }
        object.merge(token.json) { _, new in new }
        return object
    }

    /// Applies a role write (fields change only when sent). `isNew`: the role
    /// did not exist. Resolving unique IDs is the caller's, after this.
    mutating func update(from fields: RequestFields, isNew: Bool) throws -> [String] {
        try token.update(from: fields)
        if let value = try fields.string("auth_type"), !value.isEmpty {
            guard value == "iam" else {
                throw MountError.badRequest("auth_type \"\(value)\" is not supported by Coffer; only \"iam\" is")
            }
            authType = value
        }
        for name in Self.ec2Fields + ["inferred_entity_type", "role_tag"] where fields.has(name) {
            if let list = try? fields.stringList(name), list.isEmpty { continue }
            throw MountError.badRequest("\(name) is only used by the ec2 auth type, which Coffer does not support")
        }
        if let arns = try fields.stringList("bound_iam_principal_arn") {
            for arn in arns where !arn.hasPrefix("arn:") {
                throw MountError.badRequest("bound_iam_principal_arn \"\(arn)\" is not an ARN")
            }
            boundIAMPrincipalARNs = arns
        }
        if let accounts = try fields.stringList("bound_account_id") { boundAccountIDs = accounts }
        if let resolve = try fields.bool("resolve_aws_unique_ids") {
            // Turning resolution on later would bind the principals that bear the
            // names now, not the ones the role was written for.
            if resolve, !resolveAWSUniqueIDs, !isNew {
                throw MountError.badRequest("changing resolve_aws_unique_ids from false to true is not allowed")
            }
            resolveAWSUniqueIDs = resolve
        }
        guard !boundIAMPrincipalARNs.isEmpty else {
            throw MountError.badRequest("at least one bound parameter should be specified on the role")
        }
        if roleID.isEmpty { roleID = UUID().uuidString.lowercased() }
        guard token.maxTTL > TokenSettings.systemTTL else { return [] }
        return [
            "max_ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated"
        ]
    }

    /// The exact (star-free) ARNs: what `resolve_aws_unique_ids` resolves.
    var exactARNs: [String] { boundIAMPrincipalARNs.filter { !$0.contains("*") } }
}
