import CofferEncoding
import CofferMountKit
import Foundation
import NIOSSL

/// `auth/<mount>/config`: the API server to ask and how to trust it
/// (spec/vault-api.md §10.1). A write replaces the whole config.
struct KubernetesConfig: Codable, Sendable, Equatable {
    var host = ""
    var caCert = ""
    /// The bearer for TokenReviews and namespace reads. Never read back.
    var tokenReviewerJWT = ""
    var pemKeys: [String] = []
    var issuer = ""
    var disableISSValidation = true
    var disableLocalCAJWT = false

    /// What a read shows: `token_reviewer_jwt_set`, never the JWT.
    var json: [String: JSONValue] {
        [
            "kubernetes_host": .string(host),
            "kubernetes_ca_cert": .string(caCert),
            "pem_keys": JSONValue(pemKeys),
            "issuer": .string(issuer),
            "disable_iss_validation": .bool(disableISSValidation),
            "disable_local_ca_jwt": .bool(disableLocalCAJWT),
            "token_reviewer_jwt_set": .bool(!tokenReviewerJWT.isEmpty),
        ]
    }

    /// Parses a config write in OpenBao's order. Fields not sent take their
    /// defaults: a write is the whole config.
    static func parse(_ fields: RequestFields) throws -> KubernetesConfig {
        var config = KubernetesConfig()
        config.host = try fields.string("kubernetes_host") ?? ""
        guard !config.host.isEmpty else { throw MountError.badRequest("no host provided") }
        config.disableLocalCAJWT = try fields.bool("disable_local_ca_jwt") ?? false
        // A comma-separated string is split, and each key trimmed, as OpenBao's
        // comma-string-slice field does.
        config.pemKeys = (try fields.stringList("pem_keys") ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        config.caCert = try fields.string("kubernetes_ca_cert") ?? ""
        config.issuer = try fields.string("issuer") ?? ""
        config.disableISSValidation = try fields.bool("disable_iss_validation") ?? true
        config.tokenReviewerJWT = try fields.string("token_reviewer_jwt") ?? ""
        if config.disableLocalCAJWT, config.caCert.isEmpty {
            throw MountError.badRequest("kubernetes_ca_cert must be given when disable_local_ca_jwt is true")
        }
        for key in config.pemKeys where StaticKeys.parse(key) == nil {
            throw MountError.badRequest("data does not contain any valid public keys")
        }
        if !config.caCert.isEmpty, (try? NIOSSLCertificate.fromPEMBytes(Array(config.caCert.utf8)))?.isEmpty ?? true {
            throw MountError.badRequest("kubernetes_ca_cert does not contain a valid PEM certificate")
        }
        guard let url = URL(string: config.host), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            url.host?.isEmpty == false
        else {
            throw MountError.badRequest("kubernetes_host must be an http or https URL")
        }
        return config
    }

    /// The host without a trailing slash, to put a path after.
    var baseURL: String { host.hasSuffix("/") ? String(host.dropLast()) : host }
}
