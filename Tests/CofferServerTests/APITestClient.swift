import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix

/// An answer as the tests read it.
struct APITestResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer
}

/// An HTTP/1.1 client of the server `withAPI` runs: every request goes over a
/// socket into the channel production serves, each on a connection of its own
/// (so a request that closes its connection cannot disturb the next).
struct APITestClient: Sendable {
    /// The connection closed before the whole answer came.
    struct IncompleteAnswer: Error {}

    let port: Int

    /// Sends a request and hands its answer to `testCallback`.
    @discardableResult
    func execute<Return>(
        uri: String,
        method: HTTPRequest.Method,
        headers: HTTPFields = [:],
        body: ByteBuffer? = nil,
        testCallback: @escaping (APITestResponse) async throws -> Return = { $0 }
    ) async throws -> Return {
        let response = try await send(
            head: head(uri: uri, method: method, headers: headers, bodyLength: body?.readableBytes ?? 0), body: body)
        return try await testCallback(response)
    }

    private func head(uri: String, method: HTTPRequest.Method, headers: HTTPFields, bodyLength: Int) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method.rawValue), uri: uri)
        head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
        for field in headers { head.headers.add(name: field.name.rawName, value: field.value) }
        // Always a length, as hvac and bao send one: left out, NIO's encoder would
        // frame a POST without a body as chunked.
        if head.headers["Content-Length"].isEmpty { head.headers.add(name: "Content-Length", value: String(bodyLength)) }
        return head
    }

    private func send(head: HTTPRequestHead, body: ByteBuffer?) async throws -> APITestResponse {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(.head(head))
            if let body { try await outbound.write(.body(.byteBuffer(body))) }
            try await outbound.write(.end(nil))
            var answer: APITestResponse?
            for try await part in inbound {
                switch part {
                case .head(let head):
                    answer = APITestResponse(
                        status: .init(code: Int(head.status.code)), headers: Self.fields(head.headers), body: ByteBuffer())
                case .body(var chunk):
                    answer?.body.writeBuffer(&chunk)
                case .end:
                    guard let answer else { throw IncompleteAnswer() }
                    return answer
                }
            }
            throw IncompleteAnswer()
        }
    }

    /// Sends `bytes` as they are on one connection and returns all the server
    /// wrote back until it closed the connection.
    func exchange(_ bytes: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: bytes))
            var received = ByteBuffer()
            for try await var chunk in inbound { received.writeBuffer(&chunk) }
            return String(buffer: received)
        }
    }

    private static func fields(_ headers: HTTPHeaders) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return fields
    }
}
