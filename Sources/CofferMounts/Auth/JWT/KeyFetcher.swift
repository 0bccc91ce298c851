import AsyncHTTPClient
import CofferEncoding
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

    /// One client for every fetcher, never shut down: connections are pooled per TLS
    /// configuration. It follows no redirect itself (`follow` below does, checked).
    private static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow)
    )

    /// Redirects followed before giving up, as a browser-like client would.
    static let maximumRedirects = 5

    /// GETs a JSON object; the error says what went wrong without echoing a body.
    func json(_ url: String) async throws -> [String: JSONValue] {
        let response = try await follow(url)
        guard response.status == .ok else {
            throw Failure(description: "Get \"\(url)\": \(response.status.code) \(response.status.reasonPhrase)")
        }
        let body = try await response.body.collect(upTo: 1024 * 1024)
        guard case .object(let members)? = try? JSONValue.parse(Data(body.readableBytesView)) else {
            throw Failure(description: "Get \"\(url)\": the response is not a JSON object")
        }
        return members
    }

    /// GETs `url`, following redirects one by one: never from `https` to anything
    /// else (a downgrade would let anyone on the path serve keys), never to a
    /// scheme other than http(s), at most `maximumRedirects` of them.
    private func follow(_ url: String) async throws -> HTTPClientResponse {
        var current = url
        for _ in 0...Self.maximumRedirects {
            let response: HTTPClientResponse
            do {
                var request = HTTPClientRequest(url: current)
                request.tlsConfiguration = tls
                response = try await Self.client.execute(request, timeout: .seconds(10))
            } catch {
                throw Failure(description: "Get \"\(current)\": \(error)")
            }
            guard [301, 302, 303, 307, 308].contains(response.status.code),
                let location = response.headers.first(name: "location")
            else { return response }
            guard let next = URL(string: location, relativeTo: URL(string: current))?.absoluteURL,
                let scheme = next.scheme?.lowercased(), scheme == "https" || scheme == "http"
            else {
                throw Failure(description: "Get \"\(current)\": redirect to an unsupported location")
            }
            if current.lowercased().hasPrefix("https:"), scheme != "https" {
                throw Failure(description: "Get \"\(current)\": redirect from https to \(scheme) refused")
            }
            // The redirect's own body is read and dropped, so its connection is reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            current = next.absoluteString
        }
        throw Failure(description: "Get \"\(url)\": stopped after \(Self.maximumRedirects) redirects")
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
