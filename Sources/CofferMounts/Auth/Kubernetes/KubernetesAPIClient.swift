import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The two calls a Kubernetes login makes to the API server: a TokenReview and,
/// for roles with a namespace selector, a namespace read. HTTPS is verified
/// against the configured (or the pod's) cluster CA.
///
/// Every call has a deadline, so an API server that accepts the connection and
/// never answers costs a login `timeout`, then a refusal; the calls are
/// asynchronous, so a waiting login holds no thread and other logins go on.
struct KubernetesAPIClient: Sendable {
    /// Trust for the API server; nil means the system roots.
    let tls: TLSConfiguration?
    let baseURL: String
    /// The deadline of one call, connecting and reading the answer included.
    let timeout: TimeAmount

    static let defaultTimeout = TimeAmount.seconds(5)
    /// An answer bigger than this is no TokenReview or namespace.
    static let maximumAnswerSize = 1024 * 1024

    init(baseURL: String, caPEM: String?, timeout: TimeAmount = Self.defaultTimeout) throws {
        self.baseURL = baseURL
        self.timeout = timeout
        guard let caPEM, !caPEM.isEmpty else {
            tls = nil
            return
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        self.tls = tls
    }

    /// One client for every Kubernetes mount, never shut down: connections are
    /// pooled per host and TLS configuration, so logins reuse them. No redirect
    /// is followed (a review must not be re-sent elsewhere with its bearer).
    /// The pool allows as many connections per API server as a busy login load
    /// needs; the default of 8 would queue logins behind each other.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(5))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    struct Answer: Sendable {
        let status: Int
        let body: [UInt8]
    }

    /// Why a call got no answer; never quotes the bearer or the body sent.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `POST /apis/authentication.k8s.io/v1/tokenreviews`.
    func review(body: Data, bearer: String) async throws(Failure) -> Answer {
        var request = HTTPClientRequest(url: baseURL + TokenReview.path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        return try await send(request, bearer: bearer, what: "TokenReview")
    }

    /// `GET /api/v1/namespaces/<name>`; `name` must already be a valid
    /// namespace name (it goes into the path as it is).
    func namespace(_ name: String, bearer: String) async throws(Failure) -> Answer {
        try await send(HTTPClientRequest(url: baseURL + "/api/v1/namespaces/" + name), bearer: bearer, what: "namespace read")
    }

    private func send(_ prepared: HTTPClientRequest, bearer: String, what: String) async throws(Failure) -> Answer {
        var request = prepared
        request.tlsConfiguration = tls
        request.headers.add(name: "Authorization", value: "Bearer " + bearer)
        request.headers.add(name: "Accept", value: "application/json")
        do {
            let response = try await Self.client.execute(request, deadline: .now() + timeout)
            let body = try await response.body.collect(upTo: Self.maximumAnswerSize)
            return Answer(status: Int(response.status.code), body: Array(body.readableBytesView))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw Failure(description: "\(what) to \(baseURL) timed out after \(timeout.nanoseconds / 1_000_000) ms")
        } catch {
            throw Failure(description: "\(what) to \(baseURL) failed: \(error)")
        }
    }
}
