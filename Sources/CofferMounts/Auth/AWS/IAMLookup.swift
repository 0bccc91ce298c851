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
        let body = Array(
            "Action=\(action)&\(parameter)=\(SigV4Signer.uriEncode(principal.friendlyName))&Version=2010-05-08".utf8)
        let endpoint = config.effectiveIAMEndpoint
        let host =
            URLComponents(string: endpoint).map { components in
                (components.host ?? "") + (components.port.map { ":\($0)" } ?? "")
            } ?? ""
        let signer = SigV4Signer(
            credentials: .init(accessKeyID: config.accessKey, secretAccessKey: config.secretKey), region: "us-east-1",
            service: "iam")
        let headers = signer.signed(
            method: "POST", path: "/",
            headers: [("Host", host), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: body, date: Date())
        let answer = try await client.post(
            endpoint: endpoint, host: host, headers: headers.filter { $0.0 != "Host" }, body: body, what: "IAM \(action)")
        guard answer.status == 200 else {
            throw AWSAPIClient.Failure(
                description: "IAM \(action) answered \(answer.status): \(AWSQueryAnswer.errorSummary(answer.body))")
        }
        guard let id = AWSQueryAnswer.value(idName, under: element, in: answer.body),
            let arn = AWSQueryAnswer.value("Arn", under: element, in: answer.body)
        else {
            throw AWSAPIClient.Failure(description: "IAM \(action) answered without \(idName) and Arn")
        }
        return Entity(uniqueID: id, arn: arn)
    }
}
