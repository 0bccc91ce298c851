import CofferMountKit
import SwiftASN1
import X509

extension CertAuthMount: LoginExplaining {
    /// The login's own decision on a certificate the operator gives as the
    /// `certificate` field (PEM: the client's, then its intermediates), as if
    /// it had come on the TLS connection. A cert login spends nothing, so
    /// running its decision is the explanation; only the token is not minted.
    package func explainLogin(_ request: MountRequest) async throws -> LoginExplanation {
        var shown = request.peerCertificates
        if let pem = try request.fields.string("certificate"), !pem.isEmpty {
            guard let chain = PEMCertificates.parse(pem), let leaf = chain.first else {
                throw MountError.badRequest("certificate: not a PEM certificate chain")
            }
            shown = PeerCertificates(
                chain: try chain.map { certificate in
                    var serializer = DER.Serializer()
                    try serializer.serialize(certificate)
                    return serializer.serializedBytes
                },
                leafSubject: leaf.subject.description, leafSerialNumber: SerialNumbers.decimal(leaf.serialNumber.bytes))
        }
        let explained = MountRequest(
            operation: request.operation, path: request.path, fields: request.fields, storage: request.storage,
            mountPath: request.mountPath, clientAddress: request.clientAddress, peerCertificates: shown)
        let decision = try await decideLogin(explained)
        let named = try request.fields.string("name") ?? ""
        return LoginExplanation(decision, method: "cert", role: decision.auth?.metadata["cert_name"] ?? named)
    }
}
