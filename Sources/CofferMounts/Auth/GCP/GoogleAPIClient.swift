import AsyncHTTPClient
import CofferEncoding
import Foundation
import NIOCore
import Synchronization
import _CryptoExtras

/// Coffer's calls to Google's APIs (IAM's service-account get, Compute's
/// instance get), authenticated with an OAuth2 access token it gets for the
/// configured service-account key (the JWT-bearer grant), kept until shortly
/// before it expires. HTTPS is verified against `ca_cert` or the system roots;
/// every call has a deadline and a bounded answer.
final class GoogleAPIClient: Sendable {
    typealias Failure = CloudAPIFailure

    let key: GCPServiceAccountKey?
    let tokenURL: String
    let transport: CloudJSONClient
    private let token = Mutex<(value: String, expires: Date)?>(nil)

    static let scope = "https://www.googleapis.com/auth/cloud-platform"

    init(key: GCPServiceAccountKey?, tokenURL: String?, caPEM: String, timeout: TimeAmount = .seconds(5)) throws {
        self.key = key
        self.tokenURL = tokenURL ?? key?.tokenURI ?? "https://oauth2.googleapis.com/token"
        transport = try CloudJSONClient(caPEM: caPEM, timeout: timeout)
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
        return try await transport.object(request, what: "\(body == nil ? "GET" : "POST") \(url)")
    }

    /// The cached access token, or a new one from the token endpoint (an hour at most).
    private func accessToken() async throws(Failure) -> String {
        if let cached = token.withLock({ $0 }), cached.expires > Date() { return cached.value }
        guard let key else { throw Failure(description: "no credentials are configured to call Google's APIs with") }
        let assertion: String
        do {
            assertion = try Self.assertion(key: key, audience: tokenURL, now: Date())
        } catch {
            throw Failure(description: "the service-account key could not sign a token request")
        }
        let form = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion
        let fresh = try await transport.accessToken(tokenURL, form: form, longest: 3600)
        token.withLock { $0 = fresh }
        return fresh.value
    }

    /// The signed JWT a service account trades for an access token (RFC 7523).
    static func assertion(key: GCPServiceAccountKey, audience: String, now: Date) throws -> String {
        let issued = Int64(now.timeIntervalSince1970)
        let header: JSONValue = ["alg": "RS256", "typ": "JWT", "kid": .string(key.privateKeyID)]
        let claims: JSONValue = [
            "iss": .string(key.clientEmail), "scope": .string(scope), "aud": .string(audience), "iat": .int(issued),
            "exp": .int(issued + 3600),
        ]
        let input = CofferEncoding.Base64URL.encode(header.serialized()) + "." + CofferEncoding.Base64URL.encode(claims.serialized())
        let signature = try key.privateKey.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + CofferEncoding.Base64URL.encode(signature.rawRepresentation)
    }
}
