/// The ARN GetCallerIdentity answers, read as Vault reads it: an IAM user or
/// role (`arn:aws:iam::<account>:user/<path>/<name>`) or an assumed-role
/// session (`arn:aws:sts::<account>:assumed-role/<role>/<session>`), which
/// stands for the role it was assumed from.
struct IAMPrincipalARN: Sendable, Equatable {
    /// `aws`, `aws-cn`, `aws-us-gov`.
    let partition: String
    let account: String
    /// `user`, `role`, `instance-profile` or `assumed-role`.
    let type: String
    /// The path between the type and the name (`ci/runners`); empty for an assumed role.
    let path: String
    /// The user's or role's name: what a login names a role by when it names none.
    let friendlyName: String
    /// The session name of an assumed role; empty otherwise.
    let sessionName: String

    static let types: Set<String> = ["user", "role", "instance-profile", "assumed-role"]

    init(parsing arn: String) throws(Refusal) {
        let fields = arn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6 else {
            throw Refusal(description: "unrecognized arn: contains \(fields.count) colon-separated parts, expected 6")
        }
        guard fields[0] == "arn" else { throw Refusal(description: "unrecognized arn: does not begin with \"arn:\"") }
        guard fields[2] == "iam" || fields[2] == "sts" else {
            throw Refusal(description: "unrecognized service: \(fields[2]), not one of iam or sts")
        }
        let parts = fields[5].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else {
            throw Refusal(description: "unrecognized arn: \"\(fields[5])\" contains fewer than 2 slash-separated parts")
        }
        guard Self.types.contains(parts[0]) else { throw Refusal(description: "unrecognized principal type: \"\(parts[0])\"") }
        partition = fields[1]
        account = fields[4]
        type = parts[0]
        if type == "assumed-role" {
            // Assumed-role ARNs carry no path: <role>/<session>.
            guard parts.count == 3 else { throw Refusal(description: "unrecognized arn: an assumed role is <role>/<session>") }
            path = ""
            friendlyName = parts[1]
            sessionName = parts[2]
        } else {
            path = parts.dropFirst().dropLast().joined(separator: "/")
            friendlyName = parts[parts.count - 1]
            sessionName = ""
        }
    }

    /// The principal as a role binds it: an assumed role becomes its role,
    /// and the path is dropped (an assumed-role ARN does not carry it), as Vault does.
    var canonical: String {
        "arn:\(partition):iam::\(account):\(type == "assumed-role" ? "role" : type)/\(friendlyName)"
    }

    /// Whether the IAM entity behind it is a role (assumed or not) rather than a user.
    var isRole: Bool { type == "role" || type == "assumed-role" }

    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }
}
