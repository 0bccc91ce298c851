import HTTPTypes
import NIOCore
import NIOHTTP1

extension HTTPAnswer {
    /// The answer as HTTP/1.1 bytes: status line, headers (with `Content-Length`,
    /// `Date`, and `Connection: close` when the connection ends after it, or
    /// `keep-alive` for an HTTP/1.0 client that asked to keep it), body. Written
    /// in one buffer, so a response is one write and one system call.
    func encoded(closing: Bool, keepingAlive: Bool = false, headOnly: Bool, allocator: ByteBufferAllocator) -> ByteBuffer {
        let bodyBytes = body?.readableBytes ?? 0
        var buffer = allocator.buffer(capacity: 256 + (headOnly ? 0 : bodyBytes))
        // A status made from a bare code has no phrase of its own; NIO knows them all.
        let phrase = status.reasonPhrase.isEmpty ? HTTPResponseStatus(statusCode: status.code).reasonPhrase : status.reasonPhrase
        buffer.writeString("HTTP/1.1 \(status.code) \(phrase)\r\n")
        for field in headers {
            buffer.writeString(field.name.rawName)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        // 1xx, 204 and 304 carry no body and so no length (RFC 9110 §8.6); a HEAD
        // answer states none either, as OpenBao's does (a zero would be wrong).
        if !headOnly, status.kind != .informational, status != .noContent, status != .notModified {
            buffer.writeStaticString("Content-Length: ")
            buffer.writeString(String(bodyBytes))
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("Date: ")
        buffer.writeString(HTTPDate.now)
        buffer.writeStaticString("\r\n")
        if closing { buffer.writeStaticString("Connection: close\r\n") }
        if keepingAlive { buffer.writeStaticString("Connection: keep-alive\r\n") }
        buffer.writeStaticString("\r\n")
        if !headOnly, var body { buffer.writeBuffer(&body) }
        return buffer
    }

    /// What answers a request the parser could not read, before the connection closes.
    static let unparseable = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
}
