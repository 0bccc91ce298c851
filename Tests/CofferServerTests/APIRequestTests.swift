import CofferCore
import CofferTesting
import Logging
import NIOHTTP1
import Testing

@testable import CofferServer

/// The server reads request heads straight from NIO's parser; what it takes from
/// them decides who the client is and which token it presents.
@Suite struct APIRequestTests {
    func head(_ target: String, _ headers: [(String, String)]) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: .POST, uri: target, headers: HTTPHeaders(headers))
    }

    @Test("target splits into path and query; headers are found whatever their case")
    func targetAndHeaders() {
        let request = APIRequest(
            head(
                "/v1/secret/data/a%2Fb?version=2&x=",
                [
                    ("x-vault-token", "hvs.abc"), ("X-VAULT-WRAP-TTL", "1m"), ("Content-Type", "application/json"),
                ]))
        #expect(request.method == "POST" && request.path == "/v1/secret/data/a%2Fb" && request.query == "version=2&x=")
        #expect(request.vaultToken == "hvs.abc" && request.wrapTTL == "1m" && request.contentType == "application/json")
        #expect(request.namespace == nil && request.authorization == nil)
        #expect(APIRequest(head("/v1/sys/health", [])).query == nil)
    }

    @Test("X-Forwarded-For on several lines is read whole: the proxy's own line is the nearest hop")
    func forwardedForOnSeveralLines() async throws {
        let request = APIRequest(
            head(
                "/v1/auth/jwt/login",
                [
                    ("X-Forwarded-For", "10.0.0.5"),  // the client's own claim
                    ("X-Forwarded-For", "203.0.113.9"),  // added by the trusted proxy
                ]))
        #expect(request.forwardedFor == "10.0.0.5, 203.0.113.9")
        let responder = VaultAPIResponder(
            core: try await TestCore.unsealed(), logger: Logger(label: "test"), trustedProxies: ["10.1.0.0/16"])
        #expect(responder.clientAddress(request, peer: "10.1.2.3") == "203.0.113.9")
    }

    @Test(
        "the operation comes from the method and the list flag, in one place",
        arguments: [
            ("GET", "", "read"), ("HEAD", "", "read"), ("GET", "list=true", "list"), ("GET", "list=T", "list"),
            ("HEAD", "list=1", "list"), ("GET", "list=false", "read"), ("GET", "list=", "read"), ("POST", "list=true", "write"),
            ("PUT", "", "write"), ("DELETE", "", "delete"), ("PATCH", "", "patch"),
            // Refused: a list flag that is no boolean, OPTIONS, and any other verb. LIST
            // never gets here: `ListVerbRewriter` sends it on as GET ?list=true.
            ("GET", "list=maybe", "refused"), ("OPTIONS", "", "refused"), ("TRACE", "", "refused"), ("LIST", "", "refused"),
        ])
    func operation(method: String, query: String, expected: String) {
        let request = APIRequest(method: method, target: "/v1/secret/metadata/ci?\(query)") { name in
            name == "Content-Type" ? "application/merge-patch+json" : nil
        }
        let operation = try? HTTPRequestTranslator.operation(request, query: HTTPRequestTranslator.parseQuery(request.query))
        #expect((operation?.rawValue ?? "refused") == expected)
    }
}
