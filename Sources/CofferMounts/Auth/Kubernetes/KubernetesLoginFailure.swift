import CofferMountKit

/// The checks of a Kubernetes login as it runs them.
typealias KubernetesLoginChecks = LoginDecision<KubernetesLoginFailure>.Builder

/// Why a Kubernetes login is refused (spec/vault-api.md §10.3). `error` is the
/// one place their messages live: the client learns which local check failed
/// (as OpenBao tells it), never why the API server refused the token; that
/// reason is in the decision's check, which goes to the audit and server logs.
enum KubernetesLoginFailure: LoginFailure, Error {
    /// The client address is outside the role's `token_bound_cidrs`.
    case boundCIDRs
    /// Not a JWS, an algorithm not accepted, or no configured key verifies it.
    case signature
    /// A registered claim failed the validator (`aud`, `iss`, `exp`, `nbf`,
    /// `iat`); the text is the validator's, which OpenBao shows the client.
    case claim(String)
    /// The service-account claims are missing or not strings.
    case serviceAccountClaims
    case name
    case namespace
    /// The API server's TokenReview (or namespace read) did not confirm the
    /// token: an HTTP or TLS failure, a timeout, or an answer that disagrees.
    case tokenReview

    var error: MountError {
        switch self {
        case .boundCIDRs, .signature, .serviceAccountClaims, .tokenReview: MountError(.permissionDenied, ["permission denied"])
        case .claim(let message): MountError(.permissionDenied, [message])
        case .name: MountError(.permissionDenied, ["service account name not authorized"])
        case .namespace: MountError(.permissionDenied, ["namespace not authorized"])
        }
    }
}
