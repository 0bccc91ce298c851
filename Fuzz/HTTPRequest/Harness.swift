import CofferMountKit
import Foundation
import NIOCore
import NIOHTTP1

/// libFuzzer entry for turning an HTTP request into the core's `Request`: the
/// target split, the headers `APIRequest` reads, the path steps the responder
/// takes, and `HTTPRequestTranslator` (query, body, LIST, wrap TTL, token).
///
/// The input is an HTTP/1-style request without the version: a first line
/// `METHOD target`, header lines `Name: value`, an empty line, then the body.
/// Built in one module with `APIRequest.swift` and `HTTPRequestTranslator.swift`
/// against stand-ins for NIO, HTTPTypes and Hummingbird (Fuzz/Shims).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var lines: [[UInt8]] = []
    var bodyStart = bytes.count
    var start = 0
    while let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
        let line = Array(bytes[start..<end])
        start = end + 1
        if line.isEmpty || line == [UInt8(ascii: "\r")] {
            bodyStart = start
            break
        }
        lines.append(line)
    }
    if bodyStart == bytes.count, start < bytes.count, lines.count < 64 { lines.append(Array(bytes[start...])) }
    guard let first = lines.first else { return 0 }
    let requestLine = String(decoding: first, as: UTF8.self)
    let parts = requestLine.split(separator: " ", maxSplits: 1)
    let method = parts.first.map(String.init) ?? ""
    let target = parts.count > 1 ? String(parts[1]) : "/"
    var headers: [(String, String)] = []
    for line in lines.dropFirst() {
        let text = String(decoding: line, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { continue }
        headers.append((String(text[..<colon]), text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
    }
    let head = HTTPRequestHead(method: .init(rawValue: method), uri: target, headers: HTTPHeaders(headers))
    let request = APIRequest(head)
    // As `VaultAPIResponder.answer` does before translating.
    guard request.path.hasPrefix("/v1/") else { return 0 }
    let trimmed = String(request.path.dropFirst(4))
    let logicalPath = trimmed.utf8.contains(UInt8(ascii: "%")) ? trimmed.removingPercentEncoding ?? trimmed : trimmed
    let body = ByteBuffer(bytes: Array(bytes[min(bodyStart, bytes.count)...]))
    guard let translated = try? HTTPRequestTranslator.translate(request, logicalPath: logicalPath, body: body, clientAddress: "127.0.0.1")
    else {
        return 0
    }
    // Every field the way a path may read it.
    let fields = RequestFields(translated.data)
    for name in translated.data.keys {
        _ = try? fields.int(name)
        _ = try? fields.duration(name)
        _ = try? fields.bool(name)
        _ = try? fields.stringList(name)
        _ = try? fields.map(name)
    }
    return 0
}
