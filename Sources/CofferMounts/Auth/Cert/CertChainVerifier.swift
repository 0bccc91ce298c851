import Foundation
import X509

/// Builds and verifies a client's chain with swift-certificates: RFC 5280
/// (signatures, validity at `now`, basic and name constraints) and client
/// authentication usage.
enum CertChainVerifier {
    /// What verifying against one set of roots found.
    enum Outcome: Sendable {
        /// The chain from the leaf to a root, leaf first.
        case trusted([Certificate])
        /// No chain reaches these roots (Go's `UnknownAuthorityError`).
        case untrusted
        /// A chain reaches them but breaks a rule (an expired intermediate, a
        /// usage not for clients): Go's other verification errors.
        case invalid(reason: String)
    }

    static func verify(leaf: Certificate, intermediates: [Certificate], roots: [Certificate], now: Date) async -> Outcome {
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy(validationTime: now)
            ClientAuthUsagePolicy()
        }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates)) {
        case .validCertificate(let chain):
            return .trusted(Array(chain))
        case .couldNotValidate(let failures):
            guard let first = failures.first else { return .untrusted }
            return .invalid(reason: first.policyFailureReason.description)
        }
    }

    /// The leaf's own validity window, checked before any chain (Go checks the
    /// leaf's dates first): nil when it is valid at `now`, else Go's words.
    static func validityProblem(_ leaf: Certificate, now: Date) -> String? {
        if now < leaf.notValidBefore {
            return
                "x509: certificate has expired or is not yet valid: current time \(seconds(now)) is before \(seconds(leaf.notValidBefore))"
        }
        if now > leaf.notValidAfter {
            return "x509: certificate has expired or is not yet valid: current time \(seconds(now)) is after \(seconds(leaf.notValidAfter))"
        }
        return nil
    }

    /// RFC 3339 in whole seconds, as Go prints times in this error.
    private static func seconds(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
