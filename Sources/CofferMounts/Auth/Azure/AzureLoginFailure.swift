import CofferMountKit

/// The checks of an Azure login as it runs them.
typealias AzureLoginChecks = LoginDecision<AzureLoginFailure>.Builder

/// Why an Azure login is refused: the token (signature, issuer, audience,
/// times), a binding of the role, or the resource manager's account of the
/// resource. Each a 400 with the plugin's reason; the CIDR check a 403.
enum AzureLoginFailure: LoginFailure, Error {
    case boundCIDRs
    case token(String)
    case binding(String)
    case resource(String)

    var error: MountError {
        switch self {
        case .boundCIDRs: MountError(.permissionDenied, ["permission denied"])
        case .token(let message), .binding(let message), .resource(let message): .badRequest(message)
        }
    }
}
