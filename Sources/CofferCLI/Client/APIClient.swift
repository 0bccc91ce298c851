import AsyncHTTPClient
import CofferEncoding
import CofferMountKit
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The CLI's HTTP client for the Vault API, over AsyncHTTPClient.
struct APIClient {
    struct Answer {
        let status: Int
        let body: JSONValue?
        /// The body as sent, for answers that are not JSON (`path-help` on a server without it).
        var raw: Data = Data()
    }

    let settings: ClientSettings
    /// `-wrap-ttl`: sent as `X-Vault-Wrap-TTL` on every request of the command.
    var wrapTTL: String? = nil

    /// Sends one request; the body is a JSON object or nothing. A `preflight` request
    /// (the KV mount lookup) is sent even under `-output-curl-string`, as Vault's CLI does.
    func send(
        _ method: String, _ path: String, body: JSONValue? = nil, query: String? = nil, authenticated: Bool = true,
        contentType: String = "application/json", preflight: Bool = false
    ) async throws -> Answer {
        let request = try makeRequest(method, path, body: body, query: query, authenticated: authenticated, contentType: contentType)
        if settings.outputCurlString, !preflight {
            print(CurlString.render(request, body: body))
            throw CurlStringPrinted()
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: try TLSClientSettings.configuration(settings))
        do {
            let answer = try await performWithRetries(client, request)
            try await client.shutdown()
            return answer
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Sends a request and fails with Vault's error text unless it succeeded.
    func expect(
        _ action: String, _ method: String, _ path: String, body: JSONValue? = nil, query: String? = nil,
        contentType: String = "application/json"
    ) async throws -> Answer {
        let answer = try await send(method, path, body: body, query: query, contentType: contentType)
        guard answer.status < 300 else {
            throw CLIError.api(action, method: method, url: url(path, query: query), answer: answer)
        }
        return answer
    }

    /// GETs a path as `vault read` does: a plain 404 is "No value found" (exit 2),
    /// a 404 that carries data (a deleted KV version) is shown, any other error is Vault's text.
    func read(_ path: String, query: String? = nil) async throws -> JSONValue {
        let answer = try await send("GET", path, query: query)
        if answer.status == 404, answer.body?["data"] == nil { throw NoValueFound(path: path) }
        guard answer.status == 200 || answer.status == 404, let body = answer.body else {
            throw CLIError.api("Error reading \(path)", method: "GET", url: url(path, query: query), answer: answer)
        }
        return body
    }

    func url(_ path: String, query: String? = nil) -> String {
        let base = settings.address.hasSuffix("/") ? String(settings.address.dropLast()) : settings.address
        return base + Self.requestPath(path) + (query.map { "?\($0)" } ?? "")
    }

    /// `/v1/<path>` cleaned as Go's `path.Join` cleans it in Vault's API client: no
    /// doubled or trailing slash, `.` and `..` resolved (`lease revoke -prefix x/`
    /// sends `.../revoke-prefix/x`, `list secret/metadata/` lists `secret/metadata`).
    static func requestPath(_ path: String) -> String {
        var kept: [Substring] = []
        for segment in ("v1/" + path).split(separator: "/") where segment != "." {
            if segment == ".." {
                if !kept.isEmpty { kept.removeLast() }
            } else {
                kept.append(segment)
            }
        }
        return "/" + kept.joined(separator: "/")
    }

    fileprivate func makeRequest(
        _ method: String, _ path: String, body: JSONValue?, query: String?, authenticated: Bool,
        contentType: String
    ) throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url(path, query: query))
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "X-Vault-Request", value: "true")
        if authenticated, let token = settings.token { request.headers.add(name: "X-Vault-Token", value: token) }
        if let wrap = wrapTTL ?? settings.wrapTTL {
            // Go's duration text (`1m0s`) under Go's canonical header name, as Vault's CLI sends it.
            let text = GoDuration.seconds(from: wrap).map { GoDuration.format(seconds: $0) } ?? wrap
            request.headers.add(name: "X-Vault-Wrap-Ttl", value: text)
        }
        if let namespace = settings.namespace { request.headers.add(name: "X-Vault-Namespace", value: namespace) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body.serialized()))
        }
        return request
    }

    /// Vault's retry policy: 412 (a standby not caught up) and 5xx but 501 are tried
    /// again, `VAULT_MAX_RETRIES` times, with linear jittered backoff (1 to 1.5 s per try).
    private func performWithRetries(_ client: HTTPClient, _ request: HTTPClientRequest) async throws -> Answer {
        var attempt = 0
        while true {
            let answer = try await perform(client, request)
            guard RetryPolicy.shouldRetry(status: answer.status), attempt < settings.maxRetries else { return answer }
            attempt += 1
            try await Task.sleep(for: RetryPolicy.backoff(attempt: attempt))
        }
    }

    private func perform(_ client: HTTPClient, _ request: HTTPClientRequest) async throws -> Answer {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(60))
        } catch {
            throw CLIError("\(request.method.rawValue.capitalized) \"\(request.url)\": \(error)")
        }
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let data = Data(bytes.readableBytesView)
        let json = data.isEmpty ? nil : try? JSONValue.parse(data)
        return Answer(status: Int(response.status.code), body: json, raw: data)
    }
}

/// When a failed request is sent again, and after how long.
enum RetryPolicy {
    static func shouldRetry(status: Int) -> Bool {
        status == 412 || (status >= 500 && status != 501)
    }

    static func backoff(attempt: Int) -> Duration {
        .milliseconds(attempt * Int.random(in: 1000...1500))
    }
}

/// Thrown after `-output-curl-string` printed the request: the command ends, exit 0.
struct CurlStringPrinted: Error {}

/// A CLI failure: printed to stderr, exit code 2 as Vault's CLI does.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    /// 2 for API and most runtime errors; 1 for local usage errors, as Vault's CLI.
    var exitCode: Int32 = 2
    init(_ description: String, exitCode: Int32 = 2) {
        self.description = description
        self.exitCode = exitCode
    }

    /// Vault's "Error making API request" text (spec §15).
    static func api(_ action: String, method: String, url: String, answer: APIClient.Answer) -> CLIError {
        let errors = answer.body?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var text = "\(action): Error making API request.\n\nURL: \(method) \(url)\nCode: \(answer.status). Errors:\n\n"
        text += errors.map { "* \($0)" }.joined(separator: "\n")
        return CLIError(text)
    }
}

/// The request `APIClient` would send, for tests of its headers.
enum APIClientTestHook {
    static func request(_ settings: ClientSettings, _ method: String, _ path: String, body: JSONValue?) -> HTTPClientRequest {
        // Building a request only fails on a body that cannot be encoded; none here.
        (try? APIClient(settings: settings).makeRequest(
            method, path, body: body, query: nil, authenticated: true,
            contentType: "application/json")) ?? HTTPClientRequest(url: "")
    }
}
