import AsyncHTTPClient
import CofferMountKit
import Foundation
import NIOCore
import NIOSSL

/// Fetches discovery documents and JWKS over HTTP(S), trusting the configured CA
/// PEM when there is one (else the system roots).
final class KeyFetcher: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Trust for this issuer's endpoints; nil means the system roots.
    private let tls: TLSConfiguration?

    init(caPEM: String) throws {
        guard !caPEM.isEmpty else {
            tls = nil
            return
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        } catch {
            throw MountError.badRequest("the CA PEM could not be parsed")
        }
        self.tls = tls
    }

    /// GETs a JSON object; the error says what went wrong without echoing a body.
    func json(_ url: String) async throws -> [String: JSONValue] {
        let response: HTTPClientResponse
        do {
            // The process-wide client: no client to shut down per fetcher, and its
            // connections are pooled per TLS configuration.
            var request = HTTPClientRequest(url: url)
            request.tlsConfiguration = tls
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        } catch {
            throw Failure(description: "Get \"\(url)\": \(error)")
        }
        guard response.status == .ok else {
            throw Failure(description: "Get \"\(url)\": \(response.status.code) \(response.status.reasonPhrase)")
        }
        let body = try await response.body.collect(upTo: 1024 * 1024)
        guard case .object(let members)? = try? JSONValue.parse(Data(body.readableBytesView)) else {
            throw Failure(description: "Get \"\(url)\": the response is not a JSON object")
        }
        return members
    }

    /// The JWKS URL an OIDC discovery document names, after checking its issuer
    /// is byte for byte the configured URL (§1.2).
    func discover(_ discoveryURL: String) async throws -> String {
        let base = discoveryURL.hasSuffix("/") ? String(discoveryURL.dropLast()) : discoveryURL
        let document = try await json(base + "/.well-known/openid-configuration")
        let issuer = document["issuer"]?.stringValue ?? ""
        guard issuer == discoveryURL else {
            throw Failure(description: "issuer did not match the returned issuer, expected \"\(discoveryURL)\" got \"\(issuer)\"")
        }
        guard let jwksURI = document["jwks_uri"]?.stringValue, !jwksURI.isEmpty else {
            throw Failure(description: "the discovery document has no jwks_uri")
        }
        return jwksURI
    }
}
