import SwiftASN1
import X509

/// Certificates from PEM text, as the cert method reads a role's `certificate`
/// and `ocsp_ca_certificates`: `CERTIFICATE` blocks in order, other blocks
/// skipped (OpenBao's `parsePEM`).
enum PEMCertificates {
    /// More than any CA bundle a role needs; a bigger one is refused unread.
    static let maxCount = 64
    static let maxBytes = 1 << 20

    /// The certificates, or nil when the text holds none that parse (or is too
    /// big, or any block is not valid PEM).
    static func parse(_ text: String) -> [Certificate]? {
        guard !text.isEmpty, text.utf8.count <= maxBytes,
            let documents = try? PEMDocument.parseMultiple(pemString: text)
        else { return nil }
        let blocks = documents.filter { $0.discriminator == "CERTIFICATE" || $0.discriminator == "TRUSTED CERTIFICATE" }
        guard blocks.count <= maxCount else { return nil }
        let certificates = blocks.compactMap { try? Certificate(derEncoded: $0.derBytes) }
        return certificates.isEmpty ? nil : certificates
    }

}
