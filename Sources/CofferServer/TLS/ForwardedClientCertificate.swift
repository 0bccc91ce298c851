import CofferMountKit
import Foundation
import SwiftASN1

/// A client certificate passed on by a trusted TLS-terminating proxy in a
/// header (Vault's `x_forwarded_for_client_cert_header` and its
/// `..._decoders`). Believed only from `x_forwarded_for_authorized_addrs`.
package struct ForwardedClientCertificate: Sendable, Equatable {
    /// One step of undoing the proxy's encoding, in the configured order.
    package enum Decoder: String, Sendable, Equatable {
        /// Percent-encoding (nginx's `$ssl_client_escaped_cert`).
        case url = "URL"
        case base64 = "BASE64"
        /// Names what the steps before produce: one DER certificate (also
        /// assumed of anything that is not PEM).
        case der = "DER"
    }

    package let header: String
    package let decoders: [Decoder]

    package init(header: String, decoders: [Decoder]) {
        self.header = header
        self.decoders = decoders
    }

    /// More than any certificate chain a proxy passes on.
    static let maxBytes = 64 * 1024

    struct DecodingError: Error {}

    /// The chain in the header's value once decoded: PEM (one or more
    /// certificates), else one DER certificate (`URL,BASE64` gives DER, as in Vault).
    func certificates(_ value: String) throws -> PeerCertificates {
        guard value.utf8.count <= Self.maxBytes else { throw DecodingError() }
        var bytes = Array(value.utf8)
        var isDER = false
        for decoder in decoders {
            switch decoder {
            case .url:
                guard let text = String(bytes: bytes, encoding: .utf8)?.removingPercentEncoding else { throw DecodingError() }
                bytes = Array(text.utf8)
            case .base64:
                guard let text = String(bytes: bytes, encoding: .utf8),
                    let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
                else { throw DecodingError() }
                bytes = Array(data)
            case .der:
                isDER = true
            }
        }
        let chain: [[UInt8]]
        if isDER || !bytes.starts(with: Array("-----BEGIN".utf8)) {
            chain = [bytes]
        } else {
            guard let text = String(bytes: bytes, encoding: .utf8),
                let documents = try? PEMDocument.parseMultiple(pemString: text)
            else { throw DecodingError() }
            chain = documents.filter { $0.discriminator == "CERTIFICATE" }.map(\.derBytes)
        }
        guard chain.count <= ClientCertificateCheck.maxChainLength, let certificates = PeerCertificates(der: chain, isForwarded: true)
        else { throw DecodingError() }
        return certificates
    }
}
