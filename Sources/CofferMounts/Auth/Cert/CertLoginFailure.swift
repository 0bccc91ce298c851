import CofferMountKit

/// Why a cert login is refused; `error` words each refusal as OpenBao's cert
/// method does, with its statuses (captured in spec/examples/cert and checked
/// against `bao server` by tests/e2e/test_cert_auth.py).
enum CertLoginFailure: LoginFailure {
    /// Plain HTTP, or TLS with no client certificate.
    case noClientCertificate
    /// The leaf (or a chain) breaks a verification rule: expired, not yet
    /// valid, a usage not for clients. A 500 in OpenBao (an error, not an
    /// error response), and so here.
    case verificationFailed(reason: String)
    /// No role's CA (nor pinned leaf) vouches for the certificate.
    case untrusted
    /// A role's CA vouches for it, but no such role's constraints all hold.
    case noMatchingRole
    /// The presented certificate does not parse.
    case unreadable

    var error: MountError {
        switch self {
        case .noClientCertificate: .badRequest("no client certificate found")
        case .verificationFailed(let reason): .internal("failed to verify client's certificate: " + reason)
        case .untrusted: .invalidCredentials("invalid certificate or no client certificate supplied")
        case .noMatchingRole: .invalidCredentials("no chain matching all constraints could be found for this login certificate")
        case .unreadable: .badRequest("failed to parse client certificate")
        }
    }
}
