import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Coffer's HTTP calls to AWS: an aws login's GetCallerIdentity forwarded to
/// STS, the auth method's IAM lookups, and the aws secrets engine's IAM and
/// STS calls. HTTPS is verified against the system roots; no redirect is
/// followed (a signed request is never re-sent elsewhere).
///
/// Every call has a deadline and a bounded answer, and only a failure that
/// says "try again" (a 5xx, a 429, a query API's `Throttling` 400, no
/// connection) is retried, up to `retries` times, with a short backoff: a slow
/// or throttling AWS costs a request seconds, never a hang.
struct AWSAPIClient: Sendable {
    let retries: Int
    let timeout: TimeAmount

    static let defaultTimeout = TimeAmount.seconds(5)
    /// GetCallerIdentity and GetUser answers are under a kilobyte; a list of a
    /// user's keys or policies a few.
    static let maximumAnswerSize = 256 * 1024

    init(retries: Int, timeout: TimeAmount = Self.defaultTimeout) {
        self.retries = max(0, retries)
        self.timeout = timeout
    }

    /// One client for every AWS mount, never shut down: connections to STS are
    /// pooled, so logins reuse them.
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

    /// Why a call got no answer, or AWS's refusal; never quotes the request's
    /// headers or body.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// AWS's error code (`NoSuchEntity`, `AccessDenied`) when AWS answered one.
        var awsCode: String? = nil
    }

    /// POSTs `body` to `endpoint` + `/`, with `headers` and the `Host` the
    /// request was signed for.
    func post(endpoint: String, host: String, headers: [(String, String)], body: [UInt8], what: String) async throws(Failure)
        -> Answer
    {
        var attempt = 0
        while true {
            do throws(Failure) {
                let answer = try await once(endpoint: endpoint, host: host, headers: headers, body: body, what: what)
                // Throttled or a server error: worth another try; anything else is the answer.
                guard attempt < retries, Self.isWorthRetrying(answer) else { return answer }
            } catch {
                guard attempt < retries else { throw error }
            }
            attempt += 1
            // 100 ms, 200 ms, 400 ms ... at most a second between tries.
            try? await Task.sleep(for: .milliseconds(min(1000, 100 << min(attempt - 1, 4))))
        }
    }

    /// A server error, a 429, or a query API's throttling refusal (a 400 whose
    /// code says so: IAM and STS throttle that way).
    static func isWorthRetrying(_ answer: Answer) -> Bool {
        if answer.status >= 500 || answer.status == 429 { return true }
        guard answer.status == 400 else { return false }
        return AWSQueryAnswer.errorCode(answer.body).map(throttlingCodes.contains) ?? false
    }

    static let throttlingCodes: Set<String> = ["Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"]

    private func once(endpoint: String, host: String, headers: [(String, String)], body: [UInt8], what: String) async throws(Failure)
        -> Answer
    {
        var request = HTTPClientRequest(url: endpoint + "/")
        request.method = .POST
        // The client's signature covers its Host: send that one, wherever the endpoint is.
        request.headers.add(name: "Host", value: host)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await Self.client.execute(request, deadline: .now() + timeout)
            let answer = try await response.body.collect(upTo: Self.maximumAnswerSize)
            return Answer(status: Int(response.status.code), body: Array(answer.readableBytesView))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw Failure(description: "\(what) to \(endpoint) timed out after \(timeout.nanoseconds / 1_000_000) ms")
        } catch {
            throw Failure(description: "\(what) to \(endpoint) failed: \(error)")
        }
    }
}
