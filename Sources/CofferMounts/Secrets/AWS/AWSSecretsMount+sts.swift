import CofferEncoding
import CofferMountKit
import Foundation

extension AWSSecretsMount {
    /// What a read of STS credentials says about them: they cannot be taken back.
    static func stsWarning(_ seconds: Int64) -> String {
        "STS credentials cannot be revoked: revoking this lease leaves them valid until they expire, \(seconds)s after they were issued"
    }

    /// STS credentials of the role's type for `seconds`: AssumeRole,
    /// GetFederationToken or GetSessionToken. Their lease only reports the
    /// lifetime: it is not renewable and its revocation does nothing.
    func stsCredentials(_ request: MountRequest, _ name: String, _ role: AWSSecretsRole, _ config: AWSRootConfig, _ seconds: Int64)
        async throws -> MountResponse
    {
        let call: (action: String, parameters: [(String, String)], principal: String)
        switch role.credentialType {
        case .assumedRole:
            let roleARN = try Self.chosenRoleARN(try request.fields.string("role_arn") ?? "", role: role, roleName: name)
            let asked = try request.fields.string("role_session_name") ?? ""
            let session =
                asked.isEmpty
                ? try IAMUserName.user(template: config.usernameTemplate, displayName: request.displayName, roleName: name, now: clock())
                : IAMUserName.sessionName(asked)
            var parameters = [("RoleArn", roleARN), ("RoleSessionName", session), ("DurationSeconds", String(seconds))]
            parameters += Self.sessionPolicy(role)
            for (index, key) in role.sessionTags.keys.sorted().enumerated() {
                parameters += [("Tags.member.\(index + 1).Key", key), ("Tags.member.\(index + 1).Value", role.sessionTags[key] ?? "")]
            }
            if !role.externalID.isEmpty { parameters.append(("ExternalId", role.externalID)) }
            call = ("AssumeRole", parameters, "AssumedRoleUser")
        case .federationToken:
            let user = try IAMUserName.federated(template: config.usernameTemplate, now: clock())
            call = (
                "GetFederationToken", [("Name", user), ("DurationSeconds", String(seconds))] + Self.sessionPolicy(role), "FederatedUser"
            )
        case .sessionToken, .iamUser:
            call = ("GetSessionToken", [("DurationSeconds", String(seconds))], "")
        }

        let body: [UInt8]
        do throws(AWSAPIClient.Failure) {
            body = try await config.sts(client(config)).call(call.action, call.parameters)
        } catch {
            throw Self.failed("Error calling STS \(call.action)", error)
        }
        guard let id = AWSQueryAnswer.value("AccessKeyId", under: "Credentials", in: body),
            let secret = AWSQueryAnswer.value("SecretAccessKey", under: "Credentials", in: body),
            let token = AWSQueryAnswer.value("SessionToken", under: "Credentials", in: body)
        else { throw MountError.internal("STS \(call.action) answered without credentials") }
        let arn = call.principal.isEmpty ? nil : AWSQueryAnswer.value("Arn", under: call.principal, in: body)

        var response = MountResponse(
            data: [
                "access_key": .string(id), "secret_key": .string(secret), "security_token": .string(token), "session_token": .string(token),
                "arn": arn.map(JSONValue.string) ?? .null,
            ],
            warnings: [Self.stsWarning(seconds)])
        response.lease = MountLease(ttl: seconds, maxTTL: seconds, renewable: false, internalData: ["is_sts": true, "role": .string(name)])
        return response
    }

    /// The role ARN to assume: the one asked for, which must be among the
    /// role's `role_arns`, or the role's only one.
    static func chosenRoleARN(_ asked: String, role: AWSSecretsRole, roleName: String) throws -> String {
        guard !asked.isEmpty else {
            guard role.roleARNs.count == 1, let only = role.roleARNs.first else {
                throw MountError.badRequest("did not supply a role_arn parameter and unable to determine one")
            }
            return only
        }
        guard role.roleARNs.contains(asked) else {
            throw MountError.badRequest("role_arn \"\(asked)\" not in allowed role arns for Vault role \"\(roleName)\"")
        }
        return asked
    }

    /// The role's policy document and managed policies as STS takes them.
    static func sessionPolicy(_ role: AWSSecretsRole) -> [(String, String)] {
        var parameters: [(String, String)] = []
        if !role.policyDocument.isEmpty { parameters.append(("Policy", role.policyDocument)) }
        for (index, arn) in role.policyARNs.enumerated() { parameters.append(("PolicyArns.member.\(index + 1).arn", arn)) }
        return parameters
    }
}
