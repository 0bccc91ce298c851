import CofferEncoding
import Crypto
import Foundation

/// AWS Signature Version 4 (the `Authorization: AWS4-HMAC-SHA256 ...` header)
/// for a request with its body in hand: what `coffer login -method=aws` signs
/// its GetCallerIdentity with, and Coffer its own IAM lookups.
///
/// Every header given is signed (the caller gives only the ones to send), plus
/// `X-Amz-Date` and, with temporary credentials, `X-Amz-Security-Token`.
package struct SigV4Signer: Sendable {
    package struct Credentials: Sendable {
        package let accessKeyID: String
        package let secretAccessKey: String
        /// Set for temporary credentials (an assumed role's, an instance's).
        package let sessionToken: String?

        package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    package let credentials: Credentials
    package let region: String
    package let service: String

    package init(credentials: Credentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// `headers` plus the date, the session token and `Authorization`, in the
    /// order given then those. `path` is the URL's path ("/" when empty).
    package func signed(
        method: String, path: String, query: [(String, String)] = [], headers: [(String, String)], body: [UInt8], date: Date
    ) -> [(String, String)] {
        let stamp = Self.timestamp(date)
        var all = headers
        all.append(("X-Amz-Date", stamp))
        if let token = credentials.sessionToken, !token.isEmpty { all.append(("X-Amz-Security-Token", token)) }
        let canonical = Self.canonicalHeaders(all)
        let signedNames = canonical.map(\.name).joined(separator: ";")
        let request = [
            method,
            Self.canonicalPath(path),
            Self.canonicalQuery(query),
            canonical.map { "\($0.name):\($0.value)\n" }.joined(),
            signedNames,
            Hex.encode(SHA256.hash(data: body)),
        ].joined(separator: "\n")
        let day = String(stamp.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let toSign = ["AWS4-HMAC-SHA256", stamp, scope, Hex.encode(SHA256.hash(data: Array(request.utf8)))].joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        let signature = Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(toSign.utf8), using: key))
        all.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedNames), Signature=\(signature)"
            ))
        return all
    }

    /// `20261203T162900Z`, in UTC.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let number = value ?? 0
            return number < 10 ? "0\(number)" : "\(number)"
        }
        return "\(parts.year ?? 1970)\(two(parts.month))\(two(parts.day))T\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
    }

    /// Lower-cased names, sorted; values trimmed with inner runs of spaces
    /// made one; repeated names joined by commas.
    static func canonicalHeaders(_ headers: [(String, String)]) -> [(name: String, value: String)] {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            let squeezed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            merged[name.lowercased(), default: []].append(squeezed.trimmingCharacters(in: .whitespaces))
        }
        return merged.keys.sorted().map { ($0, merged[$0, default: []].joined(separator: ",")) }
    }

    static func canonicalPath(_ path: String) -> String {
        guard !path.isEmpty, path != "/" else { return "/" }
        return path.split(separator: "/", omittingEmptySubsequences: false).map { uriEncode(String($0)) }.joined(separator: "/")
    }

    static func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (uriEncode($0.0), uriEncode($0.1)) }
        let sorted = encoded.sorted { left, right in left.name == right.name ? left.value < right.value : left.name < right.name }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    static func uriEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }
}
