import AsyncHTTPClient
import CofferEncoding
import Foundation
import NIOCore
import Synchronization

/// Coffer's calls to Azure: the tenant's OpenID discovery document and the
/// resource manager's VM and scale-set reads, the latter with a token from the
/// client-credentials grant of the configured application, kept until shortly
/// before it expires. Every call has a deadline and a bounded answer.
final class AzureAPIClient: Sendable {
    typealias Failure = CloudAPIFailure

    let config: AzureConfig
    let transport: CloudJSONClient
    private let token = Mutex<(value: String, expires: Date)?>(nil)

    /// The API version of the compute reads.
    static let computeAPIVersion = "2024-03-01"

    init(config: AzureConfig, timeout: TimeAmount = .seconds(5)) throws {
        self.config = config
        transport = try CloudJSONClient(caPEM: config.caCert, timeout: timeout)
    }

    /// The tenant's discovery document: its issuer and key set URL.
    func discovery() async throws(Failure) -> (issuer: String, jwksURL: String) {
        let url = "\(config.authority)/\(config.tenantID)/.well-known/openid-configuration"
        let document = try await transport.object(HTTPClientRequest(url: url), what: "GET \(url)")
        guard let issuer = document["issuer"]?.stringValue, let jwks = document["jwks_uri"]?.stringValue, !issuer.isEmpty, !jwks.isEmpty
        else {
            throw Failure(description: "the discovery document of tenant \(config.tenantID) names no issuer or jwks_uri")
        }
        return (issuer, jwks)
    }

    /// A resource manager read (`/subscriptions/...`), with the app's token.
    func resource(_ path: String) async throws(Failure) -> [String: JSONValue] {
        let bearer = try await accessToken()
        var request = HTTPClientRequest(url: config.resourceManager + path + "?api-version=" + Self.computeAPIVersion)
        request.headers.add(name: "Authorization", value: "Bearer " + bearer)
        return try await transport.object(request, what: "GET \(path)")
    }

    private func accessToken() async throws(Failure) -> String {
        if let cached = token.withLock({ $0 }), cached.expires > Date() { return cached.value }
        guard !config.clientID.isEmpty, !config.clientSecret.isEmpty else {
            throw Failure(description: "no client_id and client_secret are configured to read the resource manager with")
        }
        let form = [
            ("grant_type", "client_credentials"), ("client_id", config.clientID), ("client_secret", config.clientSecret),
            ("scope", config.resourceManager + "/.default"),
        ].map { "\($0.0)=\(SigV4Signer.uriEncode($0.1))" }.joined(separator: "&")
        let fresh = try await transport.accessToken(
            "\(config.authority)/\(config.tenantID)/oauth2/v2.0/token", form: form, longest: 86400)
        token.withLock { $0 = fresh }
        return fresh.value
    }
}
