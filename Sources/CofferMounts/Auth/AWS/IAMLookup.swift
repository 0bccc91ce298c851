import Foundation

/// Coffer's own IAM calls, signed with the mount's `config/client` keys:
/// GetUser or GetRole by name, for the unique ID a role binds when
/// `resolve_aws_unique_ids` is on (so a user deleted and re-made under the
/// same name is not the same principal) and for the full ARN, with its path,
/// that a wildcard binding is matched against.
struct IAMLookup: Sendable {
    let config: AWSClientConfig
    let client: AWSAPIClient

    struct Entity: Sendable, Equatable {
        let uniqueID: String
        let arn: String
    }

    /// The IAM user or role that `principal` names (an assumed role: its role).
    func entity(_ principal: IAMPrincipalARN) async throws(AWSAPIClient.Failure) -> Entity {
        guard !config.accessKey.isEmpty else {
            throw AWSAPIClient.Failure(description: "no access_key and secret_key in config/client to call IAM with")
        }
        let (action, parameter, element, idName) =
            principal.isRole ? ("GetRole", "RoleName", "Role", "RoleId") : ("GetUser", "UserName", "User", "UserId")
        guard principal.type != "instance-profile" else {
            throw AWSAPIClient.Failure(description: "instance profiles are not looked up")
        }
        let iam = AWSQueryClient.iam(
            endpoint: config.effectiveIAMEndpoint,
            credentials: .init(accessKeyID: config.accessKey, secretAccessKey: config.secretKey), client: client)
        let body = try await iam.call(action, [(parameter, principal.friendlyName)])
        guard let id = AWSQueryAnswer.value(idName, under: element, in: body),
            let arn = AWSQueryAnswer.value("Arn", under: element, in: body)
        else {
            throw AWSAPIClient.Failure(description: "IAM \(action) answered without \(idName) and Arn")
        }
        return Entity(uniqueID: id, arn: arn)
    }
}
