import CofferEncoding
import CofferMountKit
import Foundation

/// The signed GetCallerIdentity request a client hands in to log in with
/// (`iam_http_request_method`, `iam_request_url`, `iam_request_headers`,
/// `iam_request_body`, base64 as Vault's CLI and hvac send them), decoded but
/// not yet checked: `IAMRequestChecks` decides whether Coffer forwards it.
///
/// Every part is bounded: a GetCallerIdentity is a few hundred bytes, and
/// whatever is accepted here is sent on to STS.
struct IAMLoginRequest: Sendable {
    let method: String
    let url: URLComponents
    /// As sent, in order; names keep their case.
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    static let maximumURLSize = 2048
    static let maximumBodySize = 4096
    static let maximumHeadersSize = 16384
    static let maximumHeaderCount = 64

    /// Decodes the login's fields, refusing what Vault refuses before it
    /// checks anything (a field missing or not base64) and anything over a bound.
    init(_ fields: RequestFields) throws {
        guard let method = try fields.string("iam_http_request_method"), !method.isEmpty else {
            throw MountError.badRequest("missing iam_http_request_method")
        }
        self.method = method
        let rawURL = try Self.base64Field(fields, "iam_request_url", limit: Self.maximumURLSize)
        guard let url = URLComponents(string: String(decoding: rawURL, as: UTF8.self)) else {
            throw MountError.badRequest("error parsing iam_request_url")
        }
        self.url = url
        body = try Self.base64Field(fields, "iam_request_body", limit: Self.maximumBodySize)
        headers = try Self.headers(fields)
        guard !headers.isEmpty else { throw MountError.badRequest("missing iam_request_headers") }
    }

    private static func base64Field(_ fields: RequestFields, _ name: String, limit: Int) throws -> [UInt8] {
        guard let encoded = try fields.string(name), !encoded.isEmpty else { throw MountError.badRequest("missing \(name)") }
        // Base64 takes 4 characters for 3 bytes: refuse before decoding.
        guard encoded.utf8.count <= (limit / 3 + 1) * 4, let decoded = Data(base64Encoded: encoded) else {
            throw MountError.badRequest(
                encoded.utf8.count > (limit / 3 + 1) * 4 ? "\(name) is longer than \(limit) bytes" : "failed to base64 decode \(name)")
        }
        return Array(decoded)
    }

    /// The headers as a JSON object of strings or lists of strings: given as
    /// base64 of that JSON (the CLI's and hvac's way), as the JSON text, or as
    /// the object itself, the shapes Vault takes.
    private static func headers(_ fields: RequestFields) throws -> [(name: String, value: String)] {
        let object: [String: JSONValue]
        switch fields.raw["iam_request_headers"] {
        case nil, .null?:
            throw MountError.badRequest("missing iam_request_headers")
        case .object(let members)?:
            object = members
        case .string(let text)?:
            guard text.utf8.count <= maximumHeadersSize * 2 else {
                throw MountError.badRequest("iam_request_headers is longer than \(maximumHeadersSize) bytes")
            }
            let json = Data(base64Encoded: text) ?? Data(text.utf8)
            guard json.count <= maximumHeadersSize, case .object(let members)? = try? JSONValue.parse(json) else {
                throw MountError.badRequest("failed to parse iam_request_headers: not a JSON object, or base64 of one")
            }
            object = members
        default:
            throw MountError.badRequest("failed to parse iam_request_headers: not a JSON object, or base64 of one")
        }
        guard object.count <= maximumHeaderCount else {
            throw MountError.badRequest("iam_request_headers has more than \(maximumHeaderCount) headers")
        }
        var headers: [(name: String, value: String)] = []
        var size = 0
        for name in object.keys.sorted() {
            let values: [String]
            switch object[name] {
            case .string(let value)?: values = [value]
            case .array(let items)?:
                values = try items.map { item in
                    guard case .string(let value) = item else {
                        throw MountError.badRequest("iam_request_headers: header \"\(name)\" has a value that is not a string")
                    }
                    return value
                }
            default: throw MountError.badRequest("iam_request_headers: header \"\(name)\" has a value that is not a string")
            }
            for value in values {
                // A name or value with a line break would split the forwarded request.
                guard Self.isToken(name), !value.utf8.contains(where: { $0 == 10 || $0 == 13 || $0 == 0 }) else {
                    throw MountError.badRequest("iam_request_headers: header \"\(name)\" is not a valid HTTP header")
                }
                size += name.utf8.count + value.utf8.count
                headers.append((name, value))
            }
        }
        guard size <= maximumHeadersSize else {
            throw MountError.badRequest("iam_request_headers is longer than \(maximumHeadersSize) bytes")
        }
        return headers
    }

    /// An HTTP header name (RFC 9110 token characters).
    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
                }
            }
    }

    /// Every value of the header `name`, whatever its case, joined by commas.
    func header(_ name: String) -> String? {
        let values = headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ",")
    }

    /// How many times the header `name` was given.
    func count(of name: String) -> Int {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.count
    }

    /// The host the client signed for: its URL's, with the port when it names one.
    var signedHost: String {
        guard let host = url.host else { return "" }
        return url.port.map { "\(host):\($0)" } ?? host
    }
}
