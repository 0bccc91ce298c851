import CofferCore
import CofferEncoding
import CofferMountKit
import CofferTesting
import Foundation
import HTTPTypes
import Logging
import NIOCore
import ServiceLifecycle
import Testing

@testable import CofferServer

/// Thrown when the test server stopped before it listened.
struct TestServerDidNotStart: Error {}

/// Runs `test` against the HTTP API of `core` as production serves it: the
/// listener `ServerAssembly` builds (Hummingbird's server, `VaultHTTP1Channel`,
/// `VaultRequestHandler`) on 127.0.0.1 and a port of its own, stopped
/// gracefully when the test is done.
func withAPI(
    _ core: Core, listener configure: (inout ServerConfig.Listener) -> Void = { _ in },
    _ test: @escaping @Sendable (APITestClient) async throws -> Void
) async throws {
    var listener = ServerConfig.Listener()
    listener.address = "127.0.0.1:0"
    listener.tlsDisable = true
    configure(&listener)
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    let (ports, portReady) = AsyncStream.makeStream(of: Int.self)
    let server = try ServerAssembly.makeServer(core: core, listener: listener, maxConnections: 64, logger: logger) { port in
        portReady.yield(port)
        portReady.finish()
    }
    let group = ServiceGroup(configuration: .init(services: [.init(service: server)], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            // Ends the wait below when the server could not start.
            defer { portReady.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await tasks.waitForAll()
            throw TestServerDidNotStart()
        }
        do {
            try await test(APITestClient(port: port))
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

extension APITestResponse {
    var json: JSONValue? { try? JSONValue.parse(Data(body.readableBytesView)) }
    var errors: [String]? { json?["errors"]?.arrayValue?.compactMap(\.stringValue) }
}

let rootHeaders: HTTPFields = [HTTPField.Name("X-Vault-Token")!: TestCore.rootToken]

func jsonBody(_ value: JSONValue) -> ByteBuffer { ByteBuffer(bytes: value.serialized()) }
