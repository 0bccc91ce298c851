import AsyncHTTPClient
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
    }

    let settings: ClientSettings
    /// `-wrap-ttl`: sent as `X-Vault-Wrap-TTL` on every request of the command.
    var wrapTTL: String? = nil

    /// Sends one request; the body is a JSON object or nothing.
    func send(_ method: String, _ path: String, body: JSONValue? = nil, query: String? = nil, authenticated: Bool = true,
              contentType: String = "application/json") async throws -> Answer {
        var configuration = HTTPClient.Configuration()
        if let caFile = settings.caCertFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            configuration.tlsConfiguration = tls
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let answer = try await perform(client, method, path, body: body, query: query, authenticated: authenticated, contentType: contentType)
            try await client.shutdown()
            return answer
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Sends a request and fails with Vault's error text unless it succeeded.
    func expect(_ action: String, _ method: String, _ path: String, body: JSONValue? = nil, query: String? = nil,
                contentType: String = "application/json") async throws -> Answer {
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
        return "\(base)/v1/\(path)" + (query.map { "?\($0)" } ?? "")
    }

    private func perform(_ client: HTTPClient, _ method: String, _ path: String, body: JSONValue?, query: String?, authenticated: Bool,
                         contentType: String) async throws -> Answer {
        var request = HTTPClientRequest(url: url(path, query: query))
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "X-Vault-Request", value: "true")
        if authenticated, let token = settings.token { request.headers.add(name: "X-Vault-Token", value: token) }
        if let wrapTTL { request.headers.add(name: "X-Vault-Wrap-TTL", value: wrapTTL) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body.serialized()))
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(60))
        } catch {
            throw CLIError("Get \"\(url(path, query: query))\": \(error)")
        }
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let data = Data(bytes.readableBytesView)
        let json = data.isEmpty ? nil : try? JSONValue.parse(data)
        return Answer(status: Int(response.status.code), body: json)
    }
}

/// A CLI failure: printed to stderr, exit code 2 as Vault's CLI does.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// Vault's "Error making API request" text (spec §15).
    static func api(_ action: String, method: String, url: String, answer: APIClient.Answer) -> CLIError {
        let errors = answer.body?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var text = "\(action): Error making API request.\n\nURL: \(method) \(url)\nCode: \(answer.status). Errors:\n\n"
        text += errors.map { "* \($0)" }.joined(separator: "\n")
        return CLIError(text)
    }
}
