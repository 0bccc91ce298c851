import AsyncHTTPClient
import CofferEncoding
import CofferMountKit
import Foundation

/// `-output-curl-string`: the request as the curl command Vault's CLI prints,
/// with the token replaced by `$(<program> print token)` so no secret is shown.
enum CurlString {
    static func render(_ request: HTTPClientRequest, body: JSONValue?, program: String = CommandLine.programName) -> String {
        var parts = ["curl"]
        if request.method != .GET { parts.append("-X \(request.method.rawValue)") }
        // Vault's client sets no Content-Type on plain JSON bodies, only on patches
        // (`application/merge-patch+json`), and its curl line shows just that one.
        for header in request.headers where header.name.lowercased() != "content-type" || header.value != "application/json" {
            let value = header.name == "X-Vault-Token" ? "$(\(program) print token)" : header.value
            parts.append("-H \"\(header.name): \(value)\"")
        }
        if let body {
            let text = String(decoding: body.serialized(), as: UTF8.self)
            parts.append("-d '\(text.replacingOccurrences(of: "'", with: "'\"'\"'"))'")
        }
        parts.append("\"\(request.url)\"")
        return parts.joined(separator: " ")
    }
}

extension CommandLine {
    /// The name the binary was run as: `vault` when coffer stands in for it.
    static var programName: String {
        (arguments.first.map { ($0 as NSString).lastPathComponent }) ?? "coffer"
    }
}
