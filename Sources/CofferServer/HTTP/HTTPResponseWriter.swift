import CofferCore
import CofferEncoding
import CofferMountKit
import Foundation
import HTTPTypes
import NIOCore

/// A whole response, ready to send: the API's answers are small and complete
/// before the first byte goes out, so none is streamed.
struct HTTPAnswer: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer?
}

/// Writes the core's `Response` as Vault does: the envelope, the status codes,
/// and the two headers clients rely on (spec/vault-api.md §2).
enum HTTPResponseWriter {
    static func write(_ response: CofferCore.Response, extraHeaders: HTTPFields = [:]) -> HTTPAnswer {
        switch response {
        case .noContent:
            return make(.noContent, body: nil, extraHeaders)
        case .accepted:
            return make(.accepted, body: nil, extraHeaders)
        case .raw(let status, let body):
            var writer = JSONWriter()
            writer.writeOrdered(body)
            return make(HTTPResponse.Status(code: status), body: writer, extraHeaders)
        case .text(let status, let contentType, let body):
            var headers: HTTPFields = [.contentType: contentType, .cacheControl: "no-store"]
            headers.append(contentsOf: extraHeaders)
            return HTTPAnswer(status: HTTPResponse.Status(code: status), headers: headers, body: ByteBuffer(string: body))
        case .error(let error):
            var writer = JSONWriter()
            writer.writeOrdered([("errors", JSONValue(error.messages))])
            return make(status(for: error.code), body: writer, extraHeaders)
        case .logical(let logical):
            return make(logical.isNotFound ? .notFound : .ok, body: envelope(logical), extraHeaders)
        }
    }

    /// A body over the size limit, refused with the words of Go's `http.MaxBytesReader`.
    static var bodyTooLarge: HTTPAnswer {
        var writer = JSONWriter()
        writer.writeOrdered([("errors", JSONValue(["http: request body too large"]))])
        return make(.contentTooLarge, body: writer, [:])
    }

    /// The envelope's keys in Vault's order, after any top-level copies of `data`.
    static func envelope(_ response: LogicalResponse) -> JSONWriter {
        var members: [(String, JSONValue)] = []
        if response.copiesDataToTop, case .object(let data) = response.data {
            members = data.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        members += [
            ("request_id", .string(response.requestID)),
            ("lease_id", .string(response.leaseID)),
            ("renewable", .bool(response.renewable)),
            ("lease_duration", .int(response.leaseDuration)),
            ("data", response.data),
            ("wrap_info", response.wrapInfo),
            ("warnings", response.warnings.isEmpty ? .null : JSONValue(response.warnings)),
            ("auth", response.auth),
        ]
        var writer = JSONWriter()
        writer.writeOrdered(members)
        return writer
    }

    /// The one place where an error code becomes an HTTP status.
    static func status(for code: CoreError.Code) -> HTTPResponse.Status {
        switch code {
        case .badRequest, .notInitialized: .badRequest
        case .permissionDenied, .forbidden: .forbidden
        case .notFound, .unsupportedPath: .notFound
        case .unsupportedOperation, .methodNotAllowed: .methodNotAllowed
        case .unsupportedMediaType: .unsupportedMediaType
        case .sealed, .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    private static func make(_ status: HTTPResponse.Status, body: JSONWriter?, _ extraHeaders: HTTPFields) -> HTTPAnswer {
        var headers: HTTPFields = [
            .contentType: "application/json",
            .cacheControl: "no-store",
        ]
        headers.append(contentsOf: extraHeaders)
        guard let body else { return HTTPAnswer(status: status, headers: headers, body: nil) }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(body.bytes.count + 1)
        buffer.writeBytes(body.bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return HTTPAnswer(status: status, headers: headers, body: buffer)
    }
}
