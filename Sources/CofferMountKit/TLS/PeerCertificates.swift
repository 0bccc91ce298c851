/// The certificates a client presented on its TLS connection (or that a trusted
/// TLS-terminating proxy passed on for it), leaf first, as DER.
///
/// The listener checks them only as far as its mode says (by default not at
/// all, as Vault's `RequestClientCert`): a mount that trusts a client by its
/// certificate (`auth/cert`) verifies the chain itself, against its own roots.
package struct PeerCertificates: Sendable, Equatable {
    /// DER of each certificate, the client's own first.
    package let chain: [[UInt8]]
    /// The leaf's subject (`CN=ci-runner,OU=platform`) and serial number (decimal),
    /// for the audit log: who connected, never a secret.
    package let leafSubject: String
    package let leafSerialNumber: String
    /// Passed on in a header by a trusted proxy, not seen on this connection.
    package let isForwarded: Bool

    package init(chain: [[UInt8]], leafSubject: String, leafSerialNumber: String, isForwarded: Bool = false) {
        self.chain = chain
        self.leafSubject = leafSubject
        self.leafSerialNumber = leafSerialNumber
        self.isForwarded = isForwarded
    }
}
