import CofferMountKit

/// The checks of a GCP login as it runs them.
typealias GCPLoginChecks = LoginDecision<GCPLoginFailure>.Builder

/// Why a GCP login is refused: Vault's gcp plugin answers each with a 400 and
/// its reason (kept here word for word where it has one), the CIDR check with a 403.
enum GCPLoginFailure: LoginFailure, Error {
    case boundCIDRs
    /// The JWT, its signature or a claim; the text is the plugin's.
    case token(String)
    /// A lookup through Google's APIs failed.
    case lookup(String)
    /// A binding of the role did not hold.
    case binding(String)

    var error: MountError {
        switch self {
        case .boundCIDRs: MountError(.permissionDenied, ["permission denied"])
        case .token(let message), .lookup(let message), .binding(let message): .badRequest(message)
        }
    }
}
