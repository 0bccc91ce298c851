import CofferCore
import CofferMountKit
import CofferServer
import CofferStorage
import CofferTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Runs `test` against the HTTP API of `core`, in process (no socket).
func withAPI(_ core: Core, _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    let app = Application(responder: VaultAPIResponder(core: core, logger: Logger(label: "test")))
    try await app.test(.router) { client in try await test(client) }
}

extension TestResponse {
    var json: JSONValue? { try? JSONValue.parse(Data(body.readableBytesView)) }
    var errors: [String]? { json?["errors"]?.arrayValue?.compactMap(\.stringValue) }
}

let rootHeaders: HTTPFields = [HTTPField.Name("X-Vault-Token")!: TestCore.rootToken]

func jsonBody(_ value: JSONValue) -> ByteBuffer { ByteBuffer(bytes: value.serialized()) }
