import SwiftASN1
import X509

/// What the cert method reads of a client's leaf certificate: the names its
/// constraints look at, the extension values, and the login's metadata.
/// Read once per login, through swift-certificates; an extension that does not
/// decode reads as absent, as Go's parser leaves it.
struct ClientCertificate: Sendable {
    let certificate: Certificate
    let der: [UInt8]
    let commonName: String
    let organizationalUnits: [String]
    let dnsNames: [String]
    let emailAddresses: [String]
    let uris: [String]
    /// Each extension's value read as an ASN.1 string, by dotted OID; "" when it
    /// is no string (OpenBao's `asn1.Unmarshal` into a string, errors ignored).
    let extensionValues: [String: String]

    init(der: [UInt8]) throws {
        let certificate = try Certificate(derEncoded: der)
        self.certificate = certificate
        self.der = der
        commonName = Self.attributes(.RDNAttributeType.commonName, of: certificate.subject).first ?? ""
        organizationalUnits = Self.attributes(.RDNAttributeType.organizationalUnitName, of: certificate.subject)
        var dns: [String] = []
        var emails: [String] = []
        var uris: [String] = []
        for name in (try? certificate.extensions.subjectAlternativeNames) ?? SubjectAlternativeNames() {
            switch name {
            case .dnsName(let value): dns.append(value)
            case .rfc822Name(let value): emails.append(value)
            case .uniformResourceIdentifier(let value): uris.append(value)
            default: break
            }
        }
        dnsNames = dns
        emailAddresses = emails
        self.uris = uris
        var values: [String: String] = [:]
        for ext in certificate.extensions {
            values[ext.oid.description] = Self.stringValue(ext.value)
        }
        extensionValues = values
    }

    /// Go's `Subject.CommonName` is the last CN; the list keeps their order.
    private static func attributes(_ type: ASN1ObjectIdentifier, of name: DistinguishedName) -> [String] {
        var values: [String] = []
        for rdn in name {
            for attribute in rdn where attribute.type == type {
                if let text = String(attribute.value) { values.append(text) }
            }
        }
        return type == .RDNAttributeType.commonName ? Array(values.suffix(1)) : values
    }

    /// The text of a DER string (UTF8String, PrintableString, IA5String...), else "".
    static func stringValue(_ bytes: ArraySlice<UInt8>) -> String {
        guard let node = try? DER.parse(bytes), node.identifier.tagClass == .universal,
            [12, 18, 19, 20, 22, 26, 28, 30].contains(node.identifier.tagNumber),
            case .primitive(let content) = node.content
        else { return "" }
        return String(decoding: content, as: UTF8.self)
    }

    /// Metadata of a granted login, as OpenBao names it: key ids as
    /// colon-separated lowercase hex, the serial number in decimal.
    var metadata: [String: String] {
        let ski = (try? certificate.extensions.subjectKeyIdentifier)?.keyIdentifier ?? []
        let aki = (try? certificate.extensions.authorityKeyIdentifier)?.keyIdentifier ?? []
        return [
            "common_name": commonName,
            "serial_number": SerialNumbers.decimal(certificate.serialNumber.bytes),
            "subject_key_id": Self.hex(ski),
            "authority_key_id": Self.hex(aki),
        ]
    }

    static func hex(_ bytes: some Collection<UInt8>) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: ":")
    }
}

/// Serial numbers as Vault shows and compares them: an unsigned big-endian
/// integer in decimal.
package enum SerialNumbers {
    package static func decimal(_ bytes: some Collection<UInt8>) -> String {
        var number = Array(bytes.drop { $0 == 0 })
        guard !number.isEmpty else { return "0" }
        var digits: [UInt8] = []
        // Long division by ten, most significant byte first.
        while !number.isEmpty {
            var remainder = 0
            var quotient: [UInt8] = []
            for byte in number {
                let value = remainder * 256 + Int(byte)
                let digit = value / 10
                remainder = value % 10
                if !quotient.isEmpty || digit != 0 { quotient.append(UInt8(digit)) }
            }
            digits.append(UInt8(remainder))
            number = quotient
        }
        return String(decoding: digits.reversed().map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    }
}
