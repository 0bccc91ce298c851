import CofferCore
import CofferEncoding
import CofferMountKit
import Foundation
import HTTPTypes
import NIOCore

/// Turns an HTTP request into the core's `Request`, following Vault's conventions
/// (spec/vault-api.md §1): methods to operations, query or body to data, token headers.
struct HTTPRequestTranslator {
    /// Why a request could not be translated; already the answer to send.
    struct Refusal: Error {
        let response: CofferCore.Response
    }

    static func translate(_ request: APIRequest, logicalPath: String, body: ByteBuffer, clientAddress: String?) throws -> CofferCore.Request
    {
        let query = parseQuery(request.query)
        // `?help=1` on any method asks for the path's help, before the method or the
        // body is looked at (OpenBao's handler does the same; an empty value does not count).
        if let help = query["help"], !help.isEmpty {
            var translated = CofferCore.Request(operation: .read, path: logicalPath, token: token(request), clientAddress: clientAddress)
            translated.isHelp = true
            return translated
        }
        let operation = try operation(request, query: query)
        var data: [String: JSONValue] = [:]
        switch operation {
        case .read, .list, .delete:
            for (key, value) in query where key != "list" && key != "help" { data[key] = .string(value) }
            // DELETE may carry a body too (sys/leases/revoke-prefix); fold it in.
            if operation == .delete, body.readableBytes > 0 { data.merge(try decodeBody(request, body)) { _, new in new } }
        case .write, .patch:
            data = try decodeBody(request, body)
        }
        var path = logicalPath
        if operation == .list, !path.hasSuffix("/") { path += "/" }
        var translated = CofferCore.Request(
            operation: operation, path: path, data: data, token: token(request), clientAddress: clientAddress)
        translated.wrapTTL = try wrapTTL(request.wrapTTL)
        return translated
    }

    /// `X-Vault-Wrap-TTL`: seconds or a Go duration (`1m0s`), as spec §1.3 says.
    static func wrapTTL(_ header: String?) throws -> Int64? {
        guard let text = header, !text.isEmpty else { return nil }
        guard let seconds = GoDuration.seconds(from: text) else {
            throw Refusal(response: .error(.badRequest("error parsing X-Vault-Wrap-TTL header: time: invalid duration \"\(text)\"")))
        }
        guard seconds >= 0 else {
            throw Refusal(response: .error(.badRequest("error parsing X-Vault-Wrap-TTL header: requested wrap ttl cannot be negative")))
        }
        return seconds == 0 ? nil : seconds
    }

    /// The one place where an HTTP request becomes an operation. Vault's `LIST`
    /// verb arrives here as `GET ...?list=true`: NIO's parser knows no `LIST`, so
    /// `ListVerbRewriter` rewrites it on the wire, the way spec §1.4 says the two
    /// are the same request.
    static func operation(_ request: APIRequest, query: [String: String]) throws -> CofferCore.Request.Operation {
        switch request.method {
        case "GET", "HEAD":
            guard let list = query["list"] else { return .read }
            switch list.lowercased() {
            case "1", "t", "true": return .list
            case "0", "f", "false", "": return .read
            default: throw Refusal(response: .error(CoreError(.badRequest, [])))
            }
        case "POST", "PUT": return .write
        case "DELETE": return .delete
        case "PATCH":
            let type = request.contentType ?? ""
            guard type.lowercased().hasPrefix("application/merge-patch+json") else {
                throw Refusal(
                    response: .error(
                        CoreError(
                            .unsupportedMediaType,
                            "PATCH requires Content-Type of application/merge-patch+json, provided \(type)")))
            }
            return .patch
        case "OPTIONS":
            throw Refusal(response: .error(.badRequest("cannot handle internal-only request operation")))
        default:
            throw Refusal(response: .error(CoreError(.methodNotAllowed, [])))
        }
    }

    /// A JSON object body; form data only when declared so and not JSON-looking (§1.3).
    private static func decodeBody(_ request: APIRequest, _ body: ByteBuffer) throws -> [String: JSONValue] {
        let bytes = Array(body.readableBytesView)
        guard let first = bytes.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else { return [:] }
        if first != UInt8(ascii: "{"), first != UInt8(ascii: "["),
            request.contentType?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
        {
            let trimmed = bytes.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
            return parseQuery(String(decoding: trimmed, as: UTF8.self)).mapValues { .string($0) }
        }
        let value: JSONValue
        do {
            // The parser skips the leading white space itself.
            value = try JSONValue.parse(bytes)
        } catch {
            throw Refusal(response: .error(.badRequest("failed to decode JSON input: \(error)")))
        }
        switch value {
        case .object(let members): return members
        // `bao write -f` sends `null`: no fields, as Go decodes it.
        case .null: return [:]
        case .array:
            throw Refusal(
                response: .error(
                    .badRequest("failed to decode JSON input: json: cannot unmarshal array into Go value of type map[string]interface {}")))
        default:
            throw Refusal(
                response: .error(
                    .badRequest("failed to decode JSON input: json: cannot unmarshal value into Go value of type map[string]interface {}")))
        }
    }

    /// `X-Vault-Token` first, then `Authorization: Bearer`; other schemes are ignored.
    static func token(_ request: APIRequest) -> String? {
        if let token = request.vaultToken, !token.isEmpty { return token }
        if let authorization = request.authorization, authorization.lowercased().hasPrefix("bearer ") {
            let token = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
            return token.isEmpty ? nil : token
        }
        return nil
    }

    static func parseQuery(_ query: String?) -> [String: String] {
        guard let query, !query.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            if result[key] == nil { result[key] = value }
        }
        return result
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

extension HTTPField.Name {
    /// Echoed back on every answer to a request that sent it.
    static let vaultNamespace = HTTPField.Name("X-Vault-Namespace")!
}
