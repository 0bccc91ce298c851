import AsyncHTTPClient
import CofferEncoding
import Foundation
import NIOCore
import NIOSSL
import Synchronization
import _CryptoExtras

/// Coffer's calls to Google's APIs (IAM's service-account get, Compute's
/// instance get), authenticated with an OAuth2 access token it gets for the
/// configured service-account key (the JWT-bearer grant), kept until shortly
/// before it expires. HTTPS is verified against `ca_cert` or the system roots;
/// every call has a deadline and a bounded answer.
final class GoogleAPIClient: Sendable {
    let key: GCPServiceAccountKey?
    let tokenURL: String
    let tls: TLSConfiguration?
    let timeout: TimeAmount
    private let token = Mutex<(value: String, expires: Date)?>(nil)

    static let maximumAnswerSize = 1024 * 1024
    static let scope = "https://www.googleapis.com/auth/cloud-platform"

    init(key: GCPServiceAccountKey?, tokenURL: String?, caPEM: String, timeout: TimeAmount = .seconds(5)) throws {
        self.key = key
        self.tokenURL = tokenURL ?? key?.tokenURI ?? "https://oauth2.googleapis.com/token"
        self.timeout = timeout
        if caPEM.isEmpty {
            tls = nil
        } else {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
            self.tls = tls
        }
    }

    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(5))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Why a call got no usable answer; never quotes a token or key.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// The API answered 404: the thing looked up does not exist.
        var notFound = false
    }

    /// GETs (or, with a body, POSTs) a JSON object with the service account's access token.
    func authorizedJSON(_ url: String, post body: String? = nil) async throws(Failure) -> [String: JSONValue] {
        let bearer = try await accessToken()
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer " + bearer)
        if let body {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        return try await json(request, what: "\(body == nil ? "GET" : "POST") \(url)")
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
            body = try await response.body.collect(upTo: Self.maximumAnswerSize)
        } catch {
            throw Failure(description: "\(what) failed: \(error)")
        }
        guard status == 200 else { throw Failure(description: "\(what) answered \(status)", notFound: status == 404) }
        guard case .object(let object)? = try? JSONValue.parse(Data(body.readableBytesView)) else {
            throw Failure(description: "\(what) answered something that is not a JSON object")
        }
        return object
    }

    /// The cached access token, or a new one from the token endpoint.
    private func accessToken() async throws(Failure) -> String {
        if let cached = token.withLock({ $0 }), cached.expires > Date() { return cached.value }
        guard let key else { throw Failure(description: "no credentials are configured to call Google's APIs with") }
        let assertion: String
        do {
            assertion = try Self.assertion(key: key, audience: tokenURL, now: Date())
        } catch {
            throw Failure(description: "the service-account key could not sign a token request")
        }
        var request = HTTPClientRequest(url: tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let form = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion
        request.body = .bytes(ByteBuffer(string: form))
        let answer = try await json(request, what: "token request to \(tokenURL)")
        guard let value = answer["access_token"]?.stringValue, !value.isEmpty else {
            throw Failure(description: "token request to \(tokenURL) answered no access_token")
        }
        // Renewed a minute early; a lifetime outside an hour is taken as a minute.
        var lifetime: Int64 = 120
        if case .int(let seconds)? = answer["expires_in"], (120...3600).contains(seconds) { lifetime = seconds }
        token.withLock { $0 = (value, Date().addingTimeInterval(TimeInterval(lifetime - 60))) }
        return value
    }

    /// The signed JWT a service account trades for an access token (RFC 7523).
    static func assertion(key: GCPServiceAccountKey, audience: String, now: Date) throws -> String {
        let issued = Int64(now.timeIntervalSince1970)
        let header: JSONValue = ["alg": "RS256", "typ": "JWT", "kid": .string(key.privateKeyID)]
        let claims: JSONValue = [
            "iss": .string(key.clientEmail), "scope": .string(scope), "aud": .string(audience), "iat": .int(issued),
            "exp": .int(issued + 3600),
        ]
        let input = base64URL(header.serialized()) + "." + base64URL(claims.serialized())
        let signature = try key.privateKey.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
