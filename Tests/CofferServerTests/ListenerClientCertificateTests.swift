import Crypto
import Foundation
import Testing
import X509

@testable import CofferServer

/// The listener's mTLS keys and the forwarded-certificate header: what the
/// config accepts, and how a trusted proxy's header decodes.
@Suite struct ListenerClientCertificateTests {
    func listener(_ keys: String) throws -> ServerConfig.Listener {
        let config = try ServerConfig(hcl: "listener \"tcp\" {\n  address = \"127.0.0.1:8200\"\n  tls_disable = true\n\(keys)\n}\n")
        return try #require(config.listeners.first)
    }

    @Test("by default a listener requests client certificates without requiring them")
    func requestedByDefault() throws {
        #expect(try listener("").clientCertificates == .requested)
        #expect(try listener("tls_disable_client_certs = true").clientCertificates == .disabled)
        #expect(
            try listener("tls_require_and_verify_client_cert = true\ntls_client_ca_file = \"/ca.pem\"").clientCertificates
                == .required(caFile: "/ca.pem"))
    }

    @Test(
        "contradictory or incomplete mTLS settings are refused",
        arguments: [
            "tls_require_and_verify_client_cert = true",
            "tls_require_and_verify_client_cert = true\ntls_disable_client_certs = true\ntls_client_ca_file = \"/ca.pem\"",
            "x_forwarded_for_client_cert_header = \"X-SSL-Client-Cert\"",
            "x_forwarded_for_client_cert_header = \"X\"\nx_forwarded_for_authorized_addrs = [\"10.0.0.1\"]\nx_forwarded_for_client_cert_header_decoders = \"ROT13\"",
        ])
    func refused(keys: String) {
        #expect(throws: ConfigError.self) { _ = try listener(keys) }
    }

    static func certificatePEM() throws -> String {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("proxied.example.com") }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: [0x10, 0x00]), publicKey: .init(key.publicKey),
            notValidBefore: Date() - 60, notValidAfter: Date() + 3600, issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: Certificate.Extensions(), issuerPrivateKey: .init(key))
        return try certificate.serializeAsPEM().pemString
    }

    @Test("a proxy's header decodes as configured: URL-escaped PEM, or base64 DER")
    func decoding() throws {
        let pem = try Self.certificatePEM()
        let escaped = try #require(pem.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let fromURL = try ForwardedClientCertificate(header: "X-Client-Cert", decoders: [.url]).certificates(escaped)
        #expect(fromURL.leafSubject == "CN=proxied.example.com" && fromURL.leafSerialNumber == "4096" && fromURL.isForwarded)
        let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let fromDER = try ForwardedClientCertificate(header: "X-Client-Cert", decoders: [.base64, .der]).certificates(base64)
        #expect(fromDER.chain == fromURL.chain)
    }

    @Test(
        "a header that does not decode is refused, whatever it holds",
        arguments: ["", "%%%", "not a cert", String(repeating: "A", count: 70_000)])
    func garbage(value: String) {
        for decoders: [ForwardedClientCertificate.Decoder] in [[], [.url], [.base64, .der]] {
            #expect(throws: (any Error).self) { _ = try ForwardedClientCertificate(header: "X", decoders: decoders).certificates(value) }
        }
    }
}
