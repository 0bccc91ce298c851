import Crypto
import Foundation
import SwiftASN1
import X509

/// Keys and certificates made in the test: a root CA, an intermediate, and
/// leaves with whatever names, dates and extensions a test needs.
struct CertTestPKI {
    struct Authority {
        let key: P256.Signing.PrivateKey
        let certificate: Certificate
    }

    static let runnerOID: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 55555, 1, 1]

    let now = Date()
    let root: Authority
    let intermediate: Authority

    init() throws {
        let now = self.now
        root = try Self.authority("root", issuer: nil, now: now)
        intermediate = try Self.authority("intermediate", issuer: root, now: now)
    }

    static func authority(_ name: String, issuer: Authority?, now: Date) throws -> Authority {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(name) }
        let publicKey = Certificate.PublicKey(key.publicKey)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: publicKey)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now - 3600, notValidAfter: now + 86400, issuer: issuer?.certificate.subject ?? subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(issuer?.key ?? key))
        return Authority(key: key, certificate: certificate)
    }

    /// A client leaf issued by the intermediate (or `issuer`).
    func leaf(
        commonName: String = "ci-runner.example.com", units: [String] = ["platform"],
        names: [GeneralName] = [
            .dnsName("ci-runner.example.com"), .rfc822Name("ci@example.com"), .uniformResourceIdentifier("spiffe://example.com/ci/runner"),
        ],
        extensionValue: String? = "prod", validFrom: TimeInterval = -60, validFor: TimeInterval = 3600,
        usages: [ExtendedKeyUsage.Usage] = [.clientAuth], issuer: Authority? = nil
    ) throws -> Certificate {
        let issuer = issuer ?? intermediate
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName("Example")
            for unit in units { OrganizationalUnitName(unit) }
            CommonName(commonName)
        }
        let publicKey = Certificate.PublicKey(key.publicKey)
        var extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            try ExtendedKeyUsage(usages)
            SubjectAlternativeNames(names)
            SubjectKeyIdentifier(hash: publicKey)
            AuthorityKeyIdentifier(keyIdentifier: try issuer.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
        }
        if let extensionValue {
            var serializer = DER.Serializer()
            try serializer.serialize(ASN1UTF8String(extensionValue))
            try extensions.append(
                Certificate.Extension(oid: Self.runnerOID, critical: false, value: serializer.serializedBytes[...]))
        }
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now + validFrom, notValidAfter: now + validFrom + validFor, issuer: issuer.certificate.subject,
            subject: subject, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(issuer.key))
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    static func pem(_ certificate: Certificate) throws -> String {
        try certificate.serializeAsPEM().pemString + "\n"
    }
}
