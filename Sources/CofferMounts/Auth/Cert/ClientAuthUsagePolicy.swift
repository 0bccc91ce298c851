import SwiftASN1
import X509

/// Every certificate of the chain that limits its key's uses (extended key
/// usage) allows TLS client authentication: Go's `ExtKeyUsageClientAuth` check,
/// which OpenBao asks for when it verifies a login's chain.
package struct ClientAuthUsagePolicy: VerifierPolicy {
    package let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.extendedKeyUsage]

    package init() {}

    package func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        for certificate in chain {
            let usage: ExtendedKeyUsage?
            do {
                usage = try certificate.extensions.extendedKeyUsage
            } catch {
                return .failsToMeetPolicy(reason: "x509: malformed extended key usage")
            }
            guard let usage else { continue }
            if !usage.contains(.clientAuth), !usage.contains(.any) {
                return .failsToMeetPolicy(reason: "x509: certificate specifies an incompatible key usage")
            }
        }
        return .meetsPolicy
    }
}
