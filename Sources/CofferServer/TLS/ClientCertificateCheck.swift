import CofferMounts
import Foundation
import NIOCore
import NIOSSL
import SwiftASN1
import X509

/// What a listener does with the certificates a client presents in the
/// handshake: with no roots (the default mode) it accepts them unchecked, as
/// Vault's `RequestClientCert` does, and `auth/cert` verifies them later; with
/// roots (`tls_require_and_verify_client_cert`) the chain must reach one, for
/// client authentication, or the handshake fails.
///
/// Either way the presented chain is kept as the connection's "validated"
/// chain, where `VaultRequestHandler` reads it back. It is only validated in
/// the second mode: nothing downstream may trust it without its own check.
package struct ClientCertificateCheck: Sendable {
    let roots: [Certificate]?
    /// Chains of full handshakes, for connections that resume their session.
    let recentChains = PresentedChains()

    /// A client sending more is refused: no real chain is this long.
    static let maxChainLength = 16

    init(roots: [Certificate]?) {
        self.roots = roots
    }

    init(caFile: String) throws {
        do {
            let text = try String(contentsOfFile: caFile, encoding: .utf8)
            let roots = try PEMDocument.parseMultiple(pemString: text).filter { $0.discriminator == "CERTIFICATE" }
                .map { try Certificate(derEncoded: $0.derBytes) }
            guard !roots.isEmpty else { throw ConfigError("no certificate in it") }
            self.roots = roots
        } catch {
            throw ConfigError("cannot load tls_client_ca_file \(caFile): \(error)")
        }
    }

    /// The swift-nio-ssl callback: succeeds with the presented chain, or fails the handshake.
    func verify(_ presented: [NIOSSLCertificate], _ promise: EventLoopPromise<NIOSSLVerificationResultWithMetadata>) {
        guard presented.count <= Self.maxChainLength, let ders = try? presented.map({ try $0.toDERBytes() }) else {
            return promise.succeed(.failed)
        }
        let accepted = NIOSSLVerificationResultWithMetadata.certificateVerified(
            VerificationMetadata(ValidatedCertificateChain(presented)))
        guard let roots else {
            recentChains.remember(ders)
            return promise.succeed(accepted)
        }
        let recentChains = recentChains
        promise.completeWithTask {
            guard let leafDER = ders.first, let leaf = try? Certificate(derEncoded: leafDER) else { return .failed }
            let intermediates = ders.dropFirst().compactMap { try? Certificate(derEncoded: $0) }
            var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
                RFC5280Policy(validationTime: Date())
                ClientAuthUsagePolicy()
            }
            switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates)) {
            case .validCertificate:
                recentChains.remember(ders)
                return accepted
            case .couldNotValidate: return .failed
            }
        }
    }
}
