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
    let clock: @Sendable () -> Date = Date.init

    static let invalidPathWarning = "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the OpenBao CLI, use 'bao kv get' for this operation."

    func handle(_ request: MountRequest) async throws -> MountResponse {
        let path = request.path
        if path == "config" { return try await config(request) }
        if path.hasPrefix("data/") { return try await data(request, String(path.dropFirst(5))) }
        if path.hasPrefix("metadata/") { return try await metadata(request, String(path.dropFirst(9))) }
        if path == "metadata" { return try await metadata(request, "") }
        if path.hasPrefix("delete/") { return try await deleteVersions(request, String(path.dropFirst(7))) }
        if path.hasPrefix("undelete/") { return try await undeleteVersions(request, String(path.dropFirst(9))) }
        if path.hasPrefix("destroy/") { return try await destroyVersions(request, String(path.dropFirst(8))) }
        if path.hasPrefix("subkeys/") { return try await subkeys(request, String(path.dropFirst(8))) }
        // Any other path (a bare `secret/foo`) is a 404 that explains itself.
        return MountResponse(data: nil, warnings: [Self.invalidPathWarning], isNotFound: true)
    }

    func exists(_ request: MountRequest) async throws -> Bool? {
        guard request.path.hasPrefix("data/") else { return nil }
        return try await loadMetadata(String(request.path.dropFirst(5))) != nil
    }

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

    private func config(_ request: MountRequest) async throws -> MountResponse {
        switch request.operation {
        case .read:
            return MountResponse(data: try await loadConfig().json)
        case .create, .update:
            var config = try await loadConfig()
            if let value = try request.fields.int("max_versions") { config.maxVersions = Int(value) }
            if let value = try request.fields.bool("cas_required") { config.casRequired = value }
            if let value = try request.fields.duration("delete_version_after") { config.deleteVersionAfter = value }
            try await storage.putJSON("config", config)
            return .noContent
        default:
            throw MountError.unsupportedOperation
        }
    }
}
