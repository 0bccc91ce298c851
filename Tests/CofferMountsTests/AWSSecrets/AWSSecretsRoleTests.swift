import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// What a role write accepts and refuses, before anything reaches AWS.
@Suite struct AWSSecretsRoleTests {
    func role(_ data: [String: JSONValue]) throws -> AWSSecretsRole {
        var role = AWSSecretsRole()
        try role.update(from: RequestFields(data), creating: true)
        return role
    }

    func refusal(_ data: [String: JSONValue]) -> String {
        do {
            _ = try role(data)
            return "accepted"
        } catch let error as MountError {
            return error.code == .badRequest ? error.description : "not a 400: \(error)"
        } catch {
            return "\(error)"
        }
    }

    @Test("an iam_user role keeps its policies, groups, tags, boundary and path; the document is compacted")
    func iamUserRole() throws {
        let made = try role([
            "credential_type": "iam_user", "policy_arns": ["arn:aws:iam::123456789012:policy/deploy"],
            "policy_document": "{ \"Version\": \"2012-10-17\",\n \"Statement\": [] }", "iam_groups": ["ci"],
            "iam_tags": ["team=platform", "env=prod"], "permissions_boundary_arn": "arn:aws:iam::123456789012:policy/boundary",
            "user_path": "/ci/",
        ])
        #expect(made.credentialType == .iamUser && made.iamGroups == ["ci"] && made.userPath == "/ci/")
        #expect(made.iamTags == ["team": "platform", "env": "prod"])
        #expect(made.policyDocument == "{\"Statement\":[],\"Version\":\"2012-10-17\"}")
        #expect(made.json["credential_type"] == "iam_user")
    }

    @Test("an assumed_role role keeps its role ARNs, STS TTLs, session tags and external ID")
    func assumedRole() throws {
        let made = try role([
            "credential_type": "assumed_role", "role_arns": ["arn:aws:iam::123456789012:role/deploy"], "default_sts_ttl": "15m",
            "max_sts_ttl": "1h", "session_tags": ["job": "42"], "external_id": "ext",
        ])
        #expect(made.defaultSTSTTL == 900 && made.maxSTSTTL == 3600 && made.sessionTags == ["job": "42"])
    }

    @Test(
        "fields that do not belong to the credential type, bad ARNs and paths, and inverted TTLs are refused",
        arguments: [
            (["policy_arns": ["arn:aws:iam::1:policy/p"]], "credential_type"),
            (["credential_type": "root_user"], "unrecognized credential_type"),
            (
                ["credential_type": "iam_user", "role_arns": ["arn:aws:iam::1:role/r"]],
                "role_arns is only valid with credential_type assumed_role"
            ),
            (["credential_type": "assumed_role", "iam_tags": ["a=b"]], "iam_tags is only valid"),
            (["credential_type": "assumed_role", "user_path": "/ci/"], "user_path is only valid"),
            (["credential_type": "iam_user", "max_sts_ttl": "1h"], "max_sts_ttl is only valid"),
            (["credential_type": "session_token", "policy_document": "{}"], "policy_document is only valid"),
            (["credential_type": "iam_user", "session_tags": ["a=b"]], "session_tags is only valid"),
            (["credential_type": "assumed_role", "role_arns": ["arn:aws:iam::1:user/u"]], "is not an IAM role ARN"),
            (["credential_type": "iam_user", "policy_arns": ["deploy"]], "is not an IAM policy ARN"),
            (["credential_type": "iam_user", "user_path": "ci"], "user_path is invalid"),
            (["credential_type": "iam_user", "policy_document": "{not json"], "cannot parse policy_document"),
            (["credential_type": "assumed_role", "default_sts_ttl": "2h", "max_sts_ttl": "1h"], "greater than or equal"),
            (["credential_type": "federation_token"], "at least one of policy_arns or policy_document"),
            (["credential_type": "iam_user", "iam_tags": ["novalue"]], "key=value"),
        ] as [([String: JSONValue], String)])
    func refusals(data: [String: JSONValue], words: String) {
        let message = refusal(data)
        #expect(message.contains(words), "\(message)")
    }

    @Test("an update changes only the fields sent, and the result is checked whole")
    func partialUpdate() throws {
        var made = try role(["credential_type": "assumed_role", "role_arns": ["arn:aws:iam::1:role/a"]])
        try made.update(from: RequestFields(["max_sts_ttl": "30m"]), creating: false)
        #expect(made.roleARNs == ["arn:aws:iam::1:role/a"] && made.maxSTSTTL == 1800)
        #expect(throws: MountError.self) { try made.update(from: RequestFields(["credential_type": "iam_user"]), creating: false) }
    }
}

/// How long STS credentials are asked for.
@Suite struct STSLifetimeTests {
    let limited = AWSSecretsRole(credentialType: .assumedRole, defaultSTSTTL: 900, maxSTSTTL: 3600)

    @Test("the ttl asked for, else the role's default, else an hour")
    func choice() throws {
        #expect(try STSLifetime.seconds(asked: 1200, role: limited, roleName: "r", mountMaxTTL: 86400) == 1200)
        #expect(try STSLifetime.seconds(asked: nil, role: limited, roleName: "r", mountMaxTTL: 86400) == 900)
        #expect(
            try STSLifetime.seconds(asked: nil, role: AWSSecretsRole(credentialType: .sessionToken), roleName: "r", mountMaxTTL: 86400)
                == 3600)
    }

    @Test("a ttl over the role's max_sts_ttl is refused, not cut")
    func overRoleMaximum() {
        #expect(throws: MountError.badRequest("ttl of 7200s exceeds max_sts_ttl of 3600s for role \"r\"")) {
            try STSLifetime.seconds(asked: 7200, role: limited, roleName: "r", mountMaxTTL: 86400)
        }
        #expect(throws: MountError.self) { try STSLifetime.seconds(asked: -5, role: limited, roleName: "r", mountMaxTTL: 86400) }
    }

    @Test("without a role maximum the mount's max lease TTL caps the ttl")
    func clampedToMount() throws {
        let open = AWSSecretsRole(credentialType: .assumedRole)
        #expect(try STSLifetime.seconds(asked: 100_000, role: open, roleName: "r", mountMaxTTL: 7200) == 7200)
    }

    @Test("the role ARN asked for must be one of the role's; with one, it is the default")
    func roleARNChoice() throws {
        var role = AWSSecretsRole(credentialType: .assumedRole, roleARNs: ["arn:aws:iam::1:role/a"])
        #expect(try AWSSecretsMount.chosenRoleARN("", role: role, roleName: "r") == "arn:aws:iam::1:role/a")
        #expect(throws: MountError.self) { try AWSSecretsMount.chosenRoleARN("arn:aws:iam::1:role/b", role: role, roleName: "r") }
        role.roleARNs.append("arn:aws:iam::1:role/b")
        #expect(try AWSSecretsMount.chosenRoleARN("arn:aws:iam::1:role/b", role: role, roleName: "r") == "arn:aws:iam::1:role/b")
        #expect(throws: MountError.badRequest("did not supply a role_arn parameter and unable to determine one")) {
            try AWSSecretsMount.chosenRoleARN("", role: role, roleName: "r")
        }
    }
}
