import CofferMountKit
import Foundation

extension SystemBackend {
    func sealStatus() async throws -> Response {
        .raw(status: 200, body: try await currentSealStatus().body)
    }

    private func currentSealStatus() async throws -> SealStatus {
        var status = try await seal.status()
        status.cluster = await cluster.current()
        return status
    }

    /// `sys/health`: the status code carries the state, and query parameters may
    /// replace each state's code (spec/vault-api.md §4.3).
    func health(_ request: Request) async throws -> Response {
        let fields = RequestFields(request.data)
        func code(_ name: String, _ fallback: Int) throws -> Int {
            guard fields.has(name) else { return fallback }
            guard let text = try? fields.string(name), let value = Int(text) else {
                throw CoreError(.badRequest, [])
            }
            return value
        }
        let activeCode = try code("activecode", 200)
        let sealedCode = try code("sealedcode", 503)
        let uninitCode = try code("uninitcode", 501)
        _ = try code("standbycode", 429)
        _ = try code("drsecondarycode", 472)
        _ = try code("performancestandbycode", 473)

        let status = try await currentSealStatus()
        let statusCode = !status.initialized ? uninitCode : status.sealed ? sealedCode : activeCode
        let healthy = status.initialized && !status.sealed
        var body: [(String, JSONValue)] = [
            ("initialized", .bool(status.initialized)), ("sealed", .bool(status.sealed)), ("standby", .bool(!healthy)),
            ("replication_performance_mode", healthy ? "disabled" : "unknown"),
            ("replication_dr_mode", healthy ? "disabled" : "unknown"),
            ("server_time_utc", .int(Int64(Date().timeIntervalSince1970))),
            ("version", .string(CofferVersion.vaultVersion)),
        ]
        if healthy, let info = status.cluster {
            body.append(("cluster_name", .string(info.name)))
            body.append(("cluster_id", .string(info.id)))
        }
        return .raw(status: statusCode, body: body)
    }

    func initialize(_ request: Request) async throws -> Response {
        let fields = RequestFields(request.data)
        let shares = Int(try fields.int("secret_shares") ?? 0)
        let threshold = Int(try fields.int("secret_threshold") ?? 0)
        let (keys, rootToken) = try await seal.initialize(shares: shares, threshold: threshold)
        return .raw(status: 200, body: [
            ("keys", .array(keys.map { .string(Hex.encode($0)) })),
            ("keys_base64", .array(keys.map { .string(Data($0).base64EncodedString()) })),
            ("root_token", .string(rootToken)),
        ])
    }

    func unseal(_ request: Request) async throws -> Response {
        let fields = RequestFields(request.data)
        guard try await seal.isInitialized() else { throw CoreError.badRequest("Vault is not initialized") }
        if try fields.bool("reset") == true {
            await seal.resetProgress()
            return try await sealStatus()
        }
        guard let key = try fields.string("key"), !key.isEmpty else {
            throw CoreError.badRequest("'key' must be specified in request body as JSON, or 'reset' set to true")
        }
        guard let share = Self.decodeShare(key) else {
            throw CoreError.badRequest("'key' must be a valid hex or base64 string")
        }
        _ = try await seal.unseal(share: share)
        return try await sealStatus()
    }

    /// Hex first, then base64, as Vault tries them.
    static func decodeShare(_ text: String) -> [UInt8]? {
        if text.count % 2 == 0, text.allSatisfy(\.isHexDigit) {
            var bytes: [UInt8] = []
            var index = text.startIndex
            while index < text.endIndex {
                let next = text.index(index, offsetBy: 2)
                bytes.append(UInt8(text[index..<next], radix: 16)!)
                index = next
            }
            return bytes
        }
        return Data(base64Encoded: text).map { Array($0) }
    }

    /// `sys/seal`; the pipeline has already required `sudo` on it (a root path).
    func sealNow(_ call: BackendCall) async throws -> Response {
        await seal.seal()
        return .noContent
    }
}
