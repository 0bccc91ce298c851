import AsyncHTTPClient
import CofferEncoding
import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// Coffer's calls to Azure: the tenant's OpenID discovery document and the
/// resource manager's VM and scale-set reads, the latter with a token from the
/// client-credentials grant of the configured application, kept until shortly
/// before it expires. Every call has a deadline and a bounded answer.
final class AzureAPIClient: Sendable {
    let config: AzureConfig
    let tls: TLSConfiguration?
    let timeout: TimeAmount
    private let token = Mutex<(value: String, expires: Date)?>(nil)

    /// The API version of the compute reads.
    static let computeAPIVersion = "2024-03-01"

    init(config: AzureConfig, timeout: TimeAmount = .seconds(5)) throws {
        self.config = config
        self.timeout = timeout
        if config.caCert.isEmpty {
            tls = nil
        } else {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(config.caCert.utf8)))
            self.tls = tls
        }
    }

    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(5))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    struct Failure: Error, CustomStringConvertible {
        let description: String
        var notFound = false
    }

    /// The tenant's discovery document: its issuer and key set URL.
    func discovery() async throws(Failure) -> (issuer: String, jwksURL: String) {
        let url = "\(config.authority)/\(config.tenantID)/.well-known/openid-configuration"
        let document = try await json(HTTPClientRequest(url: url), what: "GET \(url)")
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
        return try await json(request, what: "GET \(path)")
    }

    private func json(_ prepared: HTTPClientRequest, what: String) async throws(Failure) -> [String: JSONValue] {
        var request = prepared
        request.tlsConfiguration = tls
        request.headers.add(name: "Accept", value: "application/json")
        let status: UInt
        let body: ByteBuffer
        do {
            let response = try await Self.client.execute(request, deadline: .now() + timeout)
            status = response.status.code
            body = try await response.body.collect(upTo: 1024 * 1024)
        } catch {
            throw Failure(description: "\(what) failed: \(error)")
        }
        guard status == 200 else { throw Failure(description: "\(what) answered \(status)", notFound: status == 404) }
        guard case .object(let object)? = try? JSONValue.parse(Data(body.readableBytesView)) else {
            throw Failure(description: "\(what) answered something that is not a JSON object")
        }
        return object
    }

    private func accessToken() async throws(Failure) -> String {
        if let cached = token.withLock({ $0 }), cached.expires > Date() { return cached.value }
        guard !config.clientID.isEmpty, !config.clientSecret.isEmpty else {
            throw Failure(description: "no client_id and client_secret are configured to read the resource manager with")
        }
        let url = "\(config.authority)/\(config.tenantID)/oauth2/v2.0/token"
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let form = [
            ("grant_type", "client_credentials"), ("client_id", config.clientID), ("client_secret", config.clientSecret),
            ("scope", config.resourceManager + "/.default"),
        ].map { "\($0.0)=\(SigV4Signer.uriEncode($0.1))" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: form))
        let answer = try await json(request, what: "token request to \(url)")
        guard let value = answer["access_token"]?.stringValue, !value.isEmpty else {
            throw Failure(description: "token request to \(url) answered no access_token")
        }
        var lifetime: Int64 = 120
        if case .int(let seconds)? = answer["expires_in"], (120...86400).contains(seconds) { lifetime = seconds }
        token.withLock { $0 = (value, Date().addingTimeInterval(TimeInterval(lifetime - 60))) }
        return value
    }
}
