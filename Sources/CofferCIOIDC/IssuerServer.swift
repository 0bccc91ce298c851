import CofferEncoding
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL

/// `coffer ci-oidc serve`: the discovery document and JWKS of one or more orgs
/// (and of the root issuer when asked), over HTTP or HTTPS.
package struct IssuerServer: Sendable {
    package var orgIDs: [String]
    package var keyDirectory: String
    package var issuerBase: String
    package var rootIssuer: Bool

    package init(orgIDs: [String], keyDirectory: String, issuerBase: String, rootIssuer: Bool) {
        self.orgIDs = orgIDs
        self.keyDirectory = keyDirectory
        self.issuerBase = issuerBase
        self.rootIssuer = rootIssuer
    }

    /// The router; keys are re-read per JWKS request so that `rotate` shows at once.
    package func router() -> Router<BasicRequestContext> {
        let router = Router()
        let settings = self
        router.get("/org/:org/.well-known/openid-configuration") { _, context -> Response in
            let org = try context.parameters.require("org")
            guard settings.orgIDs.contains(org) else { return Self.notFound }
            return Self.json(
                DiscoveryDocuments.configuration(issuer: TokenMinter.issuer(base: settings.issuerBase, orgID: org, root: false)))
        }
        router.get("/org/:org/.well-known/jwks-pub.json") { _, context -> Response in
            let org = try context.parameters.require("org")
            guard settings.orgIDs.contains(org) else { return Self.notFound }
            return Self.json(try settings.jwks())
        }
        if rootIssuer {
            router.get("/.well-known/openid-configuration") { _, _ -> Response in
                Self.json(DiscoveryDocuments.configuration(issuer: TokenMinter.issuer(base: settings.issuerBase, orgID: "", root: true)))
            }
            router.get("/.well-known/jwks-pub.json") { _, _ -> Response in
                Self.json(try settings.jwks())
            }
        }
        return router
    }

    /// Reads only: a GET never creates a key (issue 12, item 8).
    func jwks() throws -> JSONValue {
        let store = try SigningKeyStore.read(keyDirectory)
        return try DiscoveryDocuments.jwks(store.published(at: Date()))
    }

    /// Serves until SIGINT or SIGTERM.
    package func run(host: String, port: Int, tls: TLSConfiguration?, logger: Logger) async throws {
        let server: HTTPServerBuilder = try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1()
        let app = Application(router: router(), server: server, configuration: .init(address: .hostname(host, port: port)), logger: logger)
        try await app.runService()
    }

    private static var notFound: Response { Response(status: .notFound) }

    private static func json(_ value: JSONValue) -> Response {
        var body = value.serialized()
        body.append(UInt8(ascii: "\n"))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
