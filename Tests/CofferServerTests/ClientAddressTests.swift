import CofferServer
import CofferTesting
import HTTPTypes
import Hummingbird
import Logging
import Testing

@Suite struct ClientAddressTests {
    func request(forwardedFor: String?) -> Hummingbird.Request {
        var fields: HTTPFields = [:]
        if let forwardedFor { fields[HTTPField.Name("X-Forwarded-For")!] = forwardedFor }
        return Hummingbird.Request(head: HTTPRequest(method: .get, scheme: "http", authority: "x", path: "/v1/sys/health", headerFields: fields), body: .init(buffer: .init()))
    }

    @Test("X-Forwarded-For is believed only from a trusted proxy, and only its nearest hop")
    func forwardedFor() async throws {
        let responder = VaultAPIResponder(core: try await TestCore.unsealed(), logger: Logger(label: "test"), trustedProxies: ["10.0.0.0/8"])
        #expect(responder.clientAddress(request(forwardedFor: "203.0.113.9"), peer: "10.1.2.3") == "203.0.113.9")
        #expect(responder.clientAddress(request(forwardedFor: "198.51.100.1, 203.0.113.9"), peer: "10.1.2.3") == "203.0.113.9")
        #expect(responder.clientAddress(request(forwardedFor: "203.0.113.9"), peer: "192.0.2.50") == "192.0.2.50")
        #expect(responder.clientAddress(request(forwardedFor: nil), peer: "10.1.2.3") == "10.1.2.3")
        let untrusting = VaultAPIResponder(core: try await TestCore.unsealed(), logger: Logger(label: "test"))
        #expect(untrusting.clientAddress(request(forwardedFor: "203.0.113.9"), peer: "127.0.0.1") == "127.0.0.1")
    }
}
