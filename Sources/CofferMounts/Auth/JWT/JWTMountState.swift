import CofferMountKit
import Foundation

/// The mount's config, roles and token verifier, cached in memory
/// (`AuthMountRecords`). A config write drops the verifier (and with it the
/// cached keys), as OpenBao does.
typealias JWTMountState = AuthMountRecords<JWTConfig, JWTRole, TokenVerifier>

extension AuthMountRecords where Config == JWTConfig, Derived == TokenVerifier {
    /// The verifier for the current config, built on first use.
    func currentVerifier(jwks: JWKSMetrics = .disabled) async throws -> TokenVerifier {
        let (cached, generation) = derived()
        if let cached { return cached }
        guard let config = try await currentConfig() else { throw MountError.badRequest("could not load configuration") }
        let built: TokenVerifier
        if !config.jwtValidationPubkeys.isEmpty {
            built = .staticKeys(await SignatureKeys.pem(config.jwtValidationPubkeys.compactMap(StaticKeys.parse)))
        } else if !config.jwksURL.isEmpty {
            built = .remote(
                RemoteKeySet(fetcher: try KeyFetcher(caPEM: config.jwksCAPEM), discoveryURL: nil, jwksURL: config.jwksURL, metrics: jwks))
        } else {
            built = .remote(
                RemoteKeySet(
                    fetcher: try KeyFetcher(caPEM: config.oidcDiscoveryCAPEM), discoveryURL: config.oidcDiscoveryURL, jwksURL: nil,
                    metrics: jwks)
            )
        }
        // Two first logins may both build one; the first stored is the one kept,
        // so every later login shares its key cache.
        return keep(built, madeAt: generation) { _ in true }
    }
}
