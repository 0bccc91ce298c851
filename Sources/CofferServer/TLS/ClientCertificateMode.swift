/// Whether a TLS listener asks clients for a certificate, and what it checks
/// (Vault's `tls_disable_client_certs`, `tls_require_and_verify_client_cert`,
/// `tls_client_ca_file`).
package enum ClientCertificateMode: Sendable, Equatable {
    /// Asks for none: `auth/cert` logins cannot work on this listener.
    case disabled
    /// Asks for one but accepts a connection without, and checks nothing
    /// itself: `auth/cert` verifies the chain against its roles (Vault's default,
    /// so that `bao` with no certificate still works).
    case requested
    /// Refuses a connection whose certificate does not chain, for client
    /// authentication, to a CA in `caFile`.
    case required(caFile: String)
}
