import CofferEncoding
import CofferMountKit
import Foundation

/// `auth/<mount>/config`: where keys come from and what the issuer must be
/// (spec/jwt-auth.md §1). A write replaces the whole config.
struct JWTConfig: Codable, Sendable, Equatable {
    var oidcDiscoveryURL = ""
    var oidcDiscoveryCAPEM = ""
    var jwksURL = ""
    var jwksCAPEM = ""
    var jwtValidationPubkeys: [String] = []
    var jwtSupportedAlgs: [String] = []
    var boundIssuer = ""
    var defaultRole = ""
    var oidcClientID = ""
    var oidcClientSecret = ""
    var oidcResponseMode = ""
    var oidcResponseTypes: [String] = []
    var overrideAllowedServerNames: [String] = []
    var namespaceInState = true

    /// The ten asymmetric algorithms OpenBao accepts; HMAC and `none` never.
    static let supportedAlgorithms = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"]

    /// What a read shows; the client secret never.
    func json(status: String) -> [String: JSONValue] {
        [
            "bound_issuer": .string(boundIssuer),
            "default_role": .string(defaultRole),
            "jwks_ca_pem": .string(jwksCAPEM),
            "jwks_url": .string(jwksURL),
            "jwt_supported_algs": JSONValue(jwtSupportedAlgs),
            "jwt_validation_pubkeys": JSONValue(jwtValidationPubkeys),
            "namespace_in_state": .bool(namespaceInState),
            "oidc_client_id": .string(oidcClientID),
            "oidc_discovery_ca_pem": .string(oidcDiscoveryCAPEM),
            "oidc_discovery_url": .string(oidcDiscoveryURL),
            "oidc_response_mode": .string(oidcResponseMode),
            "oidc_response_types": JSONValue(oidcResponseTypes),
            "override_allowed_server_names": JSONValue(overrideAllowedServerNames),
            "provider_config": .object([:]),
            "status": .string(status),
        ]
    }

    /// Parses a config write in OpenBao's validation order (§1.2), before any fetch.
    static func parse(_ fields: RequestFields, previous: JWTConfig?) throws -> JWTConfig {
        var config = JWTConfig()
        config.oidcDiscoveryURL = try fields.string("oidc_discovery_url") ?? ""
        config.oidcDiscoveryCAPEM = trimmedPEM(try fields.string("oidc_discovery_ca_pem") ?? "")
        config.jwksURL = try fields.string("jwks_url") ?? ""
        config.jwksCAPEM = trimmedPEM(try fields.string("jwks_ca_pem") ?? "")
        config.jwtValidationPubkeys = (try fields.stringList("jwt_validation_pubkeys") ?? []).map(trimmedPEM).filter { !$0.isEmpty }
        config.jwtSupportedAlgs = try fields.stringList("jwt_supported_algs") ?? []
        config.boundIssuer = try fields.string("bound_issuer") ?? ""
        config.defaultRole = (try fields.string("default_role") ?? "").lowercased()
        config.oidcClientID = try fields.string("oidc_client_id") ?? ""
        config.oidcClientSecret = try fields.string("oidc_client_secret") ?? ""
        config.oidcResponseMode = try fields.string("oidc_response_mode") ?? ""
        config.oidcResponseTypes = try fields.stringList("oidc_response_types") ?? []
        config.overrideAllowedServerNames = try fields.stringList("override_allowed_server_names") ?? []
        config.namespaceInState = try fields.bool("namespace_in_state") ?? previous?.namespaceInState ?? true

        let sources = [!config.oidcDiscoveryURL.isEmpty, !config.jwtValidationPubkeys.isEmpty, !config.jwksURL.isEmpty].filter { $0 }.count
        guard sources == 1 else {
            throw MountError.badRequest(
                "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs', 'oidc_discovery_url', or 'provider_config' must be set")
        }
        if config.oidcClientID.isEmpty != config.oidcClientSecret.isEmpty {
            throw MountError.badRequest("both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC")
        }
        if config.oidcDiscoveryURL.contains(".well-known/openid-configuration") {
            throw MountError.badRequest("'oidc_discovery_url' contains '.well-known' component")
        }
        for key in config.jwtValidationPubkeys where StaticKeys.parse(key) == nil {
            throw MountError.badRequest("error parsing public key: data does not contain any valid public keys")
        }
        for alg in config.jwtSupportedAlgs where !supportedAlgorithms.contains(alg) {
            throw MountError.badRequest("invalid jwt_supported_algs: unsupported signing algorithm \"\(alg)\"")
        }
        return config
    }

    /// A PEM reads back without its final newline, as OpenBao trims it.
    static func trimmedPEM(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
