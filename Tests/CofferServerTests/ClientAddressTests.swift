import CofferTesting
import Logging
import NIOHTTP1
import Testing

@testable import CofferServer

/// Who the client is: the connection's address, or the nearest hop a trusted proxy names.
@Suite struct ClientAddressTests {
    func request(forwardedFor: String?) -> APIRequest {
        var headers = HTTPHeaders()
        if let forwardedFor { headers.add(name: "X-Forwarded-For", value: forwardedFor) }
        return APIRequest(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/sys/health", headers: headers))
    }

    @Test("X-Forwarded-For is believed only from a trusted proxy, and only its nearest hop")
    func forwardedFor() async throws {
        let responder = VaultAPIResponder(
            core: try await TestCore.unsealed(), logger: Logger(label: "test"), trustedProxies: ["10.0.0.0/8"])
        #expect(responder.clientAddress(request(forwardedFor: "203.0.113.9"), peer: "10.1.2.3") == "203.0.113.9")
        #expect(responder.clientAddress(request(forwardedFor: "198.51.100.1, 203.0.113.9"), peer: "10.1.2.3") == "203.0.113.9")
        #expect(responder.clientAddress(request(forwardedFor: "203.0.113.9"), peer: "192.0.2.50") == "192.0.2.50")
        #expect(responder.clientAddress(request(forwardedFor: nil), peer: "10.1.2.3") == "10.1.2.3")
        let untrusting = VaultAPIResponder(core: try await TestCore.unsealed(), logger: Logger(label: "test"))
        #expect(untrusting.clientAddress(request(forwardedFor: "203.0.113.9"), peer: "127.0.0.1") == "127.0.0.1")
    }
}
