import CofferMountKit

/// The checks of an AWS login as it runs them.
typealias AWSLoginChecks = LoginDecision<AWSLoginFailure>.Builder

/// Why an AWS login is refused, each worded as Vault words it (a 400 with the
/// reason, as Vault's aws method answers), except the CIDR check (a 403).
enum AWSLoginFailure: LoginFailure, Error {
    case boundCIDRs
    /// The forwarded request is not exactly a signed POST of GetCallerIdentity
    /// to the STS root; the text says which part.
    case request(String)
    /// The server-ID header is missing, different, or not signed.
    case serverID(String)
    /// STS refused the request (a bad or expired signature) or could not be reached.
    case upstream(String)
    /// STS answered an ARN Coffer does not read.
    case arn(arn: String, reason: String)
    /// The login named no role, and no role bears the principal's name.
    case noRole(String)
    case authType(role: String)
    case principal(arn: String, role: String)
    case account(account: String, role: String)

    var error: MountError {
        switch self {
        case .boundCIDRs: MountError(.permissionDenied, ["permission denied"])
        case .request(let message): .badRequest(message)
        case .serverID(let reason): .badRequest("error validating X-Vault-AWS-IAM-Server-ID header: \(reason)")
        case .upstream(let reason): .badRequest("error making upstream request: \(reason)")
        case .arn(let arn, let reason): .badRequest("error parsing arn \"\(arn)\": \(reason)")
        case .noRole(let name): .badRequest("entry for role \(name) not found")
        case .authType(let role): .badRequest("auth method iam not allowed for role \(role)")
        case .principal(let arn, let role): .badRequest("IAM Principal \"\(arn)\" does not belong to the role \"\(role)\"")
        case .account(let account, let role): .badRequest("account ID \"\(account)\" does not belong to the role \"\(role)\"")
        }
    }
}
