import CofferEncoding
import CofferMountKit
import Foundation

extension KVv2Mount {
    /// `<mount>/data/<key>` read: the current version, or the one `version` names.
    func readData(_ request: MountRequest, _ key: String) async throws -> MountResponse {
        guard let metadata = try await loadMetadata(key) else { throw MountError.notFound }
        var number = Int(try request.fields.int("version") ?? 0)
        if number == 0 { number = metadata.currentVersion }
        guard let version = metadata.versions[number] else { throw MountError.notFound }
        if version.destroyed || version.deleted.map({ $0 <= clock() }) == true {
            // Deleted and destroyed versions are a 404 that still shows the metadata (§2.3).
            return MountResponse(data: ["data": .null, "metadata": metadata.versionJSON(number)], isNotFound: true)
        }
        guard let stored = try await storage.getObject(Self.versionPath(key, number)) else {
            throw MountError.internal("could not find version data")
        }
        return MountResponse(data: ["data": .object(stored), "metadata": metadata.versionJSON(number)])
    }

    /// `<mount>/data/<key>` write: a new version, with check-and-set when asked.
    func writeData(_ request: MountRequest, _ key: String) async throws -> MountResponse {
        guard !key.isEmpty, !key.hasSuffix("/") else { throw MountError.badRequest("invalid key") }
        guard let value = request.fields.raw["data"], value != .null else { throw MountError.badRequest("no data provided") }
        guard case .object(let secret) = value else {
            throw MountError.badRequest(
                "error converting input for field \"data\": '' expected type 'map[string]interface {}', got unconvertible type '\(Self.goTypeName(value))'"
            )
        }
        let options = try request.fields.map("options") ?? [:]
        let cas = try RequestFields(options).int("cas")
        return try await locks.withLock(key) {
            try await self.storeVersion(key, secret, cas: cas)
        }
    }

    /// Writes a new version with check-and-set, trimming the oldest past the limit.
    func storeVersion(_ key: String, _ secret: [String: JSONValue], cas: Int64?) async throws -> MountResponse {
        let config = try await loadConfig()
        let now = clock()
        var metadata = try await loadMetadata(key) ?? .fresh(at: now)
        if cas == nil, config.casRequired || metadata.casRequired {
            throw MountError.badRequest("check-and-set parameter required for this call")
        }
        if let cas, Int(cas) != metadata.currentVersion {
            throw MountError.badRequest("check-and-set parameter did not match the current version")
        }
        let number = metadata.currentVersion + 1
        let deleteAfter = metadata.deleteVersionAfter > 0 ? metadata.deleteVersionAfter : config.deleteVersionAfter
        metadata.versions[number] = .init(
            created: now, deleted: deleteAfter > 0 ? now.addingTimeInterval(TimeInterval(deleteAfter)) : nil, destroyed: false
        )
        metadata.currentVersion = number
        metadata.updated = now
        if metadata.oldestVersion == 0 { metadata.oldestVersion = number }

        var writes: [StorageWrite] = [.put(Self.versionPath(key, number), JSONValue.object(secret).serialized())]
        let limit = max(metadata.maxVersions, config.maxVersions) == 0 ? 10 : max(metadata.maxVersions, config.maxVersions)
        while metadata.versions.count > limit, let oldest = metadata.versions.keys.min() {
            metadata.versions.removeValue(forKey: oldest)
            writes.append(.delete(Self.versionPath(key, oldest)))
        }
        metadata.oldestVersion = metadata.versions.keys.min() ?? number
        writes.append(.put("metadata/" + key, try JSONEncoder().encode(metadata)))
        try await storage.apply(writes)

        return MountResponse(data: metadata.versionJSON(number).objectValue ?? [:])
    }

    /// JSON merge-patch (RFC 7396) of the latest version into a new version; a
    /// `null` removes a key. A missing or deleted secret is a 404.
    func patchData(_ request: MountRequest, _ key: String) async throws -> MountResponse {
        guard case .object(let changes)? = request.fields.raw["data"] else { throw MountError.badRequest("no data provided") }
        let cas = try RequestFields(try request.fields.map("options") ?? [:]).int("cas")
        return try await locks.withLock(key) {
            guard let metadata = try await self.loadMetadata(key),
                let version = metadata.versions[metadata.currentVersion],
                version.deleted == nil, !version.destroyed,
                let current = try await self.storage.getObject(Self.versionPath(key, metadata.currentVersion))
            else { throw MountError.notFound }
            return try await self.storeVersion(key, MergePatch.apply(changes, to: current), cas: cas ?? Int64(metadata.currentVersion))
        }
    }

    static func goTypeName(_ value: JSONValue) -> String {
        switch value {
        case .string: "string"
        case .int, .double: "float64"
        case .bool: "bool"
        case .array: "[]interface {}"
        default: "interface {}"
        }
    }

    /// `<mount>/data/<key>` delete: a soft delete of the latest version.
    func softDeleteLatest(_ key: String) async throws -> MountResponse {
        try await locks.withLock(key) {
            guard var metadata = try await self.loadMetadata(key) else { return .noContent }
            let latest = metadata.currentVersion
            if var version = metadata.versions[latest], version.deleted == nil, !version.destroyed {
                version.deleted = self.clock()
                metadata.versions[latest] = version
                try await self.storage.putJSON("metadata/" + key, metadata)
            }
            return .noContent
        }
    }
}
