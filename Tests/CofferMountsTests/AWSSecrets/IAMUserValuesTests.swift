import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// Names, the IAM calls that make and remove a user, and the AWS answers
/// they are read from: everything but the network.
@Suite struct IAMUserValuesTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("default IAM user names follow Vault's shape, stay within 64 characters and IAM's alphabet, and keep their random part")
    func defaultUserName() throws {
        let name = try IAMUserName.user(template: "", displayName: "jwt-job \"42\"", roleName: "deploy", now: now)
        #expect(name.hasPrefix("vault-jwt-job__42_-deploy-1700000000-"))
        #expect(name.count == "vault-jwt-job__42_-deploy-1700000000-".count + 20)
        let long = try IAMUserName.user(
            template: "", displayName: String(repeating: "d", count: 60), roleName: String(repeating: "r", count: 60), now: now)
        #expect(long.count == 64 && long.hasPrefix("vault-" + String(repeating: "d", count: 26) + "-1700000000-"))
        let again = try IAMUserName.user(
            template: "", displayName: String(repeating: "d", count: 60), roleName: String(repeating: "r", count: 60), now: now)
        #expect(long != again)
        #expect(long.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "+=,.@_-".unicodeScalars.contains($0) })
    }

    @Test("federated user names are Vault's vault-<time>-<random> cut to 32")
    func federatedName() throws {
        let name = try IAMUserName.federated(template: "", now: now)
        #expect(name.hasPrefix("vault-1700000000-") && name.count == 32)
    }

    @Test("username_template: the display name, role and type, filters; a name too long is refused, not cut")
    func customTemplates() throws {
        let name = try IAMUserName.user(
            template: "ci-{{.Type | lowercase}}-{{.PolicyName | truncate 6}}-{{.DisplayName}}", displayName: "jwt/x",
            roleName: "deployment",
            now: now)
        #expect(name == "ci-iam-deploy-jwt_x")
        #expect(throws: MountError.self) {
            try IAMUserName.user(template: "{{.DisplayName}}-{{random 61}}", displayName: "jwt", roleName: "r", now: now)
        }
        #expect(throws: MountError.self) { try IAMUserName.template("{{.RoleName}}") }
        #expect(throws: MountError.self) { try IAMUserName.federated(template: "{{random 40}}", now: now) }
        #expect(IAMUserName.sessionName("job 7; rm") == "job_7__rm")
    }

    @Test("a user is made with its path, boundary, policies, inline policy named after the role, groups and tags, in that order")
    func creationSteps() {
        let role = AWSSecretsRole(
            credentialType: .iamUser, policyARNs: ["arn:aws:iam::1:policy/a", "arn:aws:iam::1:policy/b"], policyDocument: "{}",
            iamGroups: ["ci"], iamTags: ["team": "platform", "env": "prod"], permissionsBoundaryARN: "arn:aws:iam::1:policy/boundary",
            userPath: "/ci/")
        let calls = IAMUserSteps.creation("u1", role: role, roleName: "deploy")
        #expect(
            calls.map(\.action) == ["CreateUser", "AttachUserPolicy", "AttachUserPolicy", "PutUserPolicy", "AddUserToGroup", "TagUser"])
        #expect(calls[0].pairs.map(\.1) == ["u1", "/ci/", "arn:aws:iam::1:policy/boundary"])
        #expect(calls[3].pairs.map(\.0) == ["UserName", "PolicyName", "PolicyDocument"] && calls[3].pairs[1].1 == "deploy")
        #expect(
            calls[5].pairs.map { "\($0.0)=\($0.1)" } == [
                "UserName=u1", "Tags.member.1.Key=env", "Tags.member.1.Value=prod", "Tags.member.2.Key=team",
                "Tags.member.2.Value=platform",
            ])
        #expect(IAMUserSteps.creation("u2", role: AWSSecretsRole(), roleName: "r").map(\.action) == ["CreateUser"])
    }

    @Test("a user is removed keys first, then policies and groups, the user last")
    func removalSteps() {
        let belongings = IAMUserSteps.Belongings(
            accessKeyIDs: ["AKIA1", "AKIA2"], attachedPolicyARNs: ["arn:aws:iam::1:policy/a"], inlinePolicyNames: ["deploy"], groups: ["ci"]
        )
        let calls = IAMUserSteps.removal("u1", belongings)
        #expect(
            calls.map(\.action) == [
                "DeleteAccessKey", "DeleteAccessKey", "DetachUserPolicy", "DeleteUserPolicy", "RemoveUserFromGroup", "DeleteUser",
            ])
        #expect(calls.allSatisfy { $0.pairs.first?.0 == "UserName" && $0.pairs.first?.1 == "u1" })
        #expect(IAMUserSteps.removal("u1", .init()).map(\.action) == ["DeleteUser"])
        #expect(
            IAMUserSteps.listings("u1").map(\.action) == [
                "ListAccessKeys", "ListAttachedUserPolicies", "ListUserPolicies", "ListGroupsForUser",
            ])
    }

    @Test("a user's belongings are read from IAM's list answers")
    func listAnswers() {
        let keys = Array(
            """
            <ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata>
            <member><UserName>u1</UserName><AccessKeyId>AKIA1</AccessKeyId></member>
            <member><UserName>u1</UserName><AccessKeyId>AKIA2</AccessKeyId></member>
            </AccessKeyMetadata><IsTruncated>false</IsTruncated></ListAccessKeysResult></ListAccessKeysResponse>
            """.utf8)
        #expect(AWSQueryAnswer.values("AccessKeyId", under: "AccessKeyMetadata", in: keys) == ["AKIA1", "AKIA2"])
        let policies = Array("<r><PolicyNames><member>deploy</member><member>a&amp;b</member></PolicyNames></r>".utf8)
        #expect(AWSQueryAnswer.values("member", under: "PolicyNames", in: policies) == ["deploy", "a&b"])
        #expect(AWSQueryAnswer.values("GroupName", under: "Groups", in: Array("<r><Groups/></r>".utf8)).isEmpty)
    }

    @Test("throttling and server errors are retried; other refusals are the answer")
    func retryDecision() {
        func answer(_ status: Int, _ code: String) -> AWSAPIClient.Answer {
            .init(status: status, body: Array("<ErrorResponse><Error><Code>\(code)</Code></Error></ErrorResponse>".utf8))
        }
        #expect(AWSAPIClient.isWorthRetrying(answer(400, "Throttling")))
        #expect(AWSAPIClient.isWorthRetrying(answer(503, "ServiceUnavailable")))
        #expect(AWSAPIClient.isWorthRetrying(answer(429, "TooManyRequestsException")))
        #expect(!AWSAPIClient.isWorthRetrying(answer(400, "MalformedPolicyDocument")))
        #expect(!AWSAPIClient.isWorthRetrying(answer(403, "InvalidClientTokenId")))
    }
}
