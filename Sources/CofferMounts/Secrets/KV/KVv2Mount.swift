import CofferEncoding
import CofferMountKit
import Crypto
import Foundation

/// KV version 2: versioned secrets with metadata (spec/vault-api.md §6.1).
///
/// Layout in the mount's view: `config`, `metadata/<key>`, and each version's data
/// at `versions/<sha256(key)>/<n>`, written in one atomic batch with the metadata.
struct KVv2Mount: Mount {
    let storage: StorageView
    let locks = KeyedLock()
    let clock: @Sendable () -> Date

    init(storage: StorageView, clock: @escaping @Sendable () -> Date = Date.init) {
        self.storage = storage
        self.clock = clock
    }

    static let invalidPathWarning =
        "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the OpenBao CLI, use 'bao kv get' for this operation."

    func handle(_ request: MountRequest) async throws -> MountResponse {
        // Any other path (a bare `secret/foo`) is a 404 that explains itself.
        try await Self.paths.handle(request, owner: self) {
            MountResponse(data: nil, warnings: [Self.invalidPathWarning], isNotFound: true)
        }
    }

    func exists(_ request: MountRequest) async throws -> Bool? {
        try await Self.paths.exists(request, owner: self)
    }

    func help(_ path: String) -> PathHelp? { Self.paths.help(path) }

    // MARK: storage

    func loadMetadata(_ key: String) async throws -> KVv2Metadata? {
        try await storage.getJSON(KVv2Metadata.self, "metadata/" + key)
    }

    func loadConfig() async throws -> KVv2Config {
        try await storage.getJSON(KVv2Config.self, "config") ?? KVv2Config()
    }

    static func versionPath(_ key: String, _ version: Int) -> String {
        let digest = Hex.encode(SHA256.hash(data: Data(key.utf8)))
        return "versions/\(digest)/\(version)"
    }

    // MARK: config

    func readConfig() async throws -> MountResponse {
        MountResponse(data: try await loadConfig().json)
    }

    func writeConfig(_ request: MountRequest) async throws -> MountResponse {
        var config = try await loadConfig()
        if let value = try request.fields.int("max_versions") { config.maxVersions = Int(value) }
        if let value = try request.fields.bool("cas_required") { config.casRequired = value }
        if let value = try request.fields.duration("delete_version_after") { config.deleteVersionAfter = value }
        try await storage.putJSON("config", config)
        return .noContent
    }
}
