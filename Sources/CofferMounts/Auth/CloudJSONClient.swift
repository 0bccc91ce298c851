import AsyncHTTPClient
import CofferEncoding
import Foundation
import NIOCore
import NIOSSL

/// Why a call to a cloud provider's API got no usable answer; never quotes a
/// token or a key.
struct CloudAPIFailure: Error, CustomStringConvertible {
    let description: String
    /// The API answered 404: the thing looked up does not exist.
    var notFound = false
}

/// JSON objects over HTTPS from a cloud provider's APIs (Google's, Azure's):
/// verified against the mount's `ca_cert` or the system roots, no redirects, a
/// deadline on every call and a bounded answer.
struct CloudJSONClient: Sendable {
    let tls: TLSConfiguration?
    let timeout: TimeAmount

    static let maximumAnswerSize = 1024 * 1024

    init(caPEM: String, timeout: TimeAmount) throws {
        self.timeout = timeout
        if caPEM.isEmpty {
            tls = nil
        } else {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
            self.tls = tls
        }
    }

    /// One client for every cloud mount, never shut down.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(5))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The JSON object a 200 answer holds; `what` names the call in failures.
    func object(_ prepared: HTTPClientRequest, what: String) async throws(CloudAPIFailure) -> [String: JSONValue] {
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
            throw CloudAPIFailure(description: "\(what) failed: \(error)")
        }
        guard status == 200 else { throw CloudAPIFailure(description: "\(what) answered \(status)", notFound: status == 404) }
        guard case .object(let object)? = try? JSONValue.parse(Data(body.readableBytesView)) else {
            throw CloudAPIFailure(description: "\(what) answered something that is not a JSON object")
        }
        return object
    }

    /// An OAuth2 token request (a form POST to `url`): the access token, and
    /// when to stop using it, a minute before it expires. A lifetime outside
    /// 120 s...`longest` is taken as two minutes.
    func accessToken(_ url: String, form: String, longest: Int64) async throws(CloudAPIFailure) -> (value: String, expires: Date) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: form))
        let answer = try await object(request, what: "token request to \(url)")
        guard let value = answer["access_token"]?.stringValue, !value.isEmpty else {
            throw CloudAPIFailure(description: "token request to \(url) answered no access_token")
        }
        var lifetime: Int64 = 120
        if case .int(let seconds)? = answer["expires_in"], (120...longest).contains(seconds) { lifetime = seconds }
        return (value, Date().addingTimeInterval(TimeInterval(lifetime - 60)))
    }
}
