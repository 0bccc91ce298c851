import CofferEncoding
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
            // The code becomes the HTTP status, and building a status outside
            // 100-999 traps. OpenBao's Go server panics on it and drops the
            // connection; we answer 400 for anything that is not a real status.
            guard Self.healthCodes.contains(value) else {
                throw CoreError.badRequest("\(name) must be an HTTP status code between 100 and 599")
            }
            return value
        }
        let activeCode = try code("activecode", 200)
        let sealedCode = try code("sealedcode", 503)
        let uninitCode = try code("uninitcode", 501)
        let standbyCode = try code("standbycode", 429)
        _ = try code("drsecondarycode", 472)
        _ = try code("performancestandbycode", 473)
        // `standbyok` makes a standby answer as an active node would (load balancers
        // that send reads to every node ask for it).
        let standbyOK = fields.has("standbyok") && (try? fields.bool("standbyok")) == true

        let status = try await currentSealStatus()
        let healthy = status.initialized && !status.sealed
        // A standby is a node that is unsealed but not active (an HA node still
        // competing counts too); a sealed node reports standby as Vault does.
        let standby = !healthy || isHAStandby
        let statusCode =
            !status.initialized ? uninitCode : status.sealed ? sealedCode : standby && !standbyOK ? standbyCode : activeCode
        var body: [(String, JSONValue)] = [
            ("initialized", .bool(status.initialized)), ("sealed", .bool(status.sealed)), ("standby", .bool(standby)),
            ("replication_performance_mode", healthy ? "disabled" : "unknown"),
            ("replication_dr_mode", healthy ? "disabled" : "unknown"),
            ("server_time_utc", .int(Int64(saturating: tokens.clock().timeIntervalSince1970))),
            ("version", .string(CofferVersion.vaultVersion)),
        ]
        if healthy, let info = status.cluster {
            body.append(("cluster_name", .string(info.name)))
            body.append(("cluster_id", .string(info.id)))
        }
        return .raw(status: statusCode, body: body)
    }

    /// The status codes `sys/health` may be told to answer with.
    static let healthCodes = 100...599

    func initialize(_ request: Request) async throws -> Response {
        let fields = RequestFields(request.data)
        let shares = Int(try fields.int("secret_shares") ?? 0)
        let threshold = Int(try fields.int("secret_threshold") ?? 0)
        let (keys, rootToken) = try await seal.initialize(shares: shares, threshold: threshold)
        return .raw(
            status: 200,
            body: [
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
        // On ASCII bytes: `Character.isHexDigit` also accepts fullwidth digits
        // ("０"), which `UInt8(_:radix:)` then refuses; the old force-unwrap of that
        // let one unauthenticated `sys/unseal` stop the server.
        let utf8 = Array(text.utf8)
        if utf8.count % 2 == 0, utf8.allSatisfy({ Self.hexDigit($0) != nil }) {
            return stride(from: 0, to: utf8.count, by: 2).map { index in
                (Self.hexDigit(utf8[index]) ?? 0) << 4 | (Self.hexDigit(utf8[index + 1]) ?? 0)
            }
        }
        return Data(base64Encoded: text).map { Array($0) }
    }

    /// The value of an ASCII hex digit.
    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `sys/seal`; the pipeline has already required `sudo` on it (a root path).
    func sealNow(_ call: BackendCall) async throws -> Response {
        await seal.seal()
        return .noContent
    }
}
