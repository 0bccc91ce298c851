/// The IAM calls that make a role's user and that remove a user, as values:
/// what the engine sends, in order, testable without AWS.
enum IAMUserSteps {
    /// One query-API call: its action and parameters.
    struct Call: Sendable, Equatable {
        let action: String
        let parameters: [Parameter]

        init(_ action: String, _ parameters: [Parameter]) {
            self.action = action
            self.parameters = parameters
        }

        var pairs: [(String, String)] { parameters.map { ($0.name, $0.value) } }
    }

    struct Parameter: Sendable, Equatable {
        let name: String
        let value: String
    }

    /// CreateUser, then the role's managed policies, its inline policy (named
    /// after the role, as Vault names it), its groups and its tags. The access
    /// key comes last, once all of these held.
    static func creation(_ username: String, role: AWSSecretsRole, roleName: String) -> [Call] {
        func p(_ name: String, _ value: String) -> Parameter { Parameter(name: name, value: value) }
        var create = [p("UserName", username), p("Path", role.userPath.isEmpty ? "/" : role.userPath)]
        if !role.permissionsBoundaryARN.isEmpty { create.append(p("PermissionsBoundary", role.permissionsBoundaryARN)) }
        var calls = [Call("CreateUser", create)]
        calls += role.policyARNs.map { Call("AttachUserPolicy", [p("UserName", username), p("PolicyArn", $0)]) }
        if !role.policyDocument.isEmpty {
            calls.append(
                Call("PutUserPolicy", [p("UserName", username), p("PolicyName", roleName), p("PolicyDocument", role.policyDocument)]))
        }
        calls += role.iamGroups.map { Call("AddUserToGroup", [p("UserName", username), p("GroupName", $0)]) }
        if !role.iamTags.isEmpty {
            var tags = [p("UserName", username)]
            for (index, key) in role.iamTags.keys.sorted().enumerated() {
                tags += [p("Tags.member.\(index + 1).Key", key), p("Tags.member.\(index + 1).Value", role.iamTags[key] ?? "")]
            }
            calls.append(Call("TagUser", tags))
        }
        return calls
    }

    /// What a user has that must go before the user can (IAM refuses to
    /// delete a user that still has any of it).
    struct Belongings: Sendable, Equatable {
        var accessKeyIDs: [String] = []
        var attachedPolicyARNs: [String] = []
        var inlinePolicyNames: [String] = []
        var groups: [String] = []
    }

    /// The lists that find a user's belongings (up to 1000 each, as Vault asks).
    static func listings(_ username: String) -> [Call] {
        ["ListAccessKeys", "ListAttachedUserPolicies", "ListUserPolicies", "ListGroupsForUser"].map {
            Call($0, [Parameter(name: "UserName", value: username), Parameter(name: "MaxItems", value: "1000")])
        }
    }

    /// Removal in Vault's order: the keys first (so the credentials stop
    /// working even if a later step fails), then managed and inline policies,
    /// group memberships, and the user.
    static func removal(_ username: String, _ belongings: Belongings) -> [Call] {
        func p(_ name: String, _ value: String) -> Parameter { Parameter(name: name, value: value) }
        let user = p("UserName", username)
        return belongings.accessKeyIDs.map { Call("DeleteAccessKey", [user, p("AccessKeyId", $0)]) }
            + belongings.attachedPolicyARNs.map { Call("DetachUserPolicy", [user, p("PolicyArn", $0)]) }
            + belongings.inlinePolicyNames.map { Call("DeleteUserPolicy", [user, p("PolicyName", $0)]) }
            + belongings.groups.map { Call("RemoveUserFromGroup", [user, p("GroupName", $0)]) }
            + [Call("DeleteUser", [user])]
    }
}
