import CofferEncoding
import CofferMountKit
import Foundation

extension KVv2Mount {
    /// `<mount>/metadata/<key>` read: every version's times and the key's settings.
    func readMetadata(_ key: String) async throws -> MountResponse {
        guard let metadata = try await loadMetadata(key) else { throw MountError.notFound }
        return MountResponse(data: metadata.json)
    }

    /// `<mount>/metadata/<folder>` list: the keys and sub-folders in a folder.
    func listMetadata(_ key: String) async throws -> MountResponse {
        let folder = key.isEmpty || key.hasSuffix("/") ? key : key + "/"
        let keys = try await storage.list("metadata/" + folder)
        guard !keys.isEmpty else { throw MountError.notFound }
        return MountResponse(data: ["keys": JSONValue(keys)])
    }

    /// `<mount>/metadata/<key>` delete: every version and the metadata, in one batch.
    func deleteMetadata(_ key: String) async throws -> MountResponse {
        try await locks.withLock(key) {
            guard let metadata = try await self.loadMetadata(key) else { return .noContent }
            var writes: [StorageWrite] = metadata.versions.keys.map { .delete(Self.versionPath(key, $0)) }
            writes.append(.delete("metadata/" + key))
            try await self.storage.apply(writes)
            return .noContent
        }
    }

    /// Writes metadata settings; `merging` is PATCH, where `custom_metadata` is a
    /// merge-patch (a `null` removes a key) and the metadata must already exist.
    func writeMetadata(_ request: MountRequest, _ key: String, merging: Bool = false) async throws -> MountResponse {
        guard !key.isEmpty else { throw MountError.badRequest("missing path") }
        let fields = request.fields
        let maxVersions = try fields.int("max_versions")
        let casRequired = try fields.bool("cas_required")
        let deleteAfter = try fields.duration("delete_version_after")
        let custom = try fields.map("custom_metadata")
        return try await locks.withLock(key) {
            let now = self.clock()
            let existing = try await self.loadMetadata(key)
            if merging, existing == nil { throw MountError.notFound }
            var metadata = existing ?? .fresh(at: now)
            if let maxVersions { metadata.maxVersions = Int(maxVersions) }
            if let casRequired { metadata.casRequired = casRequired }
            if let deleteAfter { metadata.deleteVersionAfter = deleteAfter }
            if let custom {
                if merging {
                    let current = (metadata.customMetadata ?? [:]).mapValues { JSONValue.string($0) }
                    metadata.customMetadata = MergePatch.apply(custom, to: current).compactMapValues { $0.stringValue }
                } else {
                    metadata.customMetadata = custom.compactMapValues { $0.stringValue }
                }
            }
            metadata.currentMetadataVersion += 1
            metadata.updated = now
            try await self.storage.putJSON("metadata/" + key, metadata)
            return .noContent
        }
    }

    /// `<mount>/delete/<key>` with `versions`: soft-delete those versions.
    func deleteVersions(_ request: MountRequest, _ key: String) async throws -> MountResponse {
        guard let versions = try request.fields.stringList("versions"), !versions.isEmpty else {
            throw MountError.badRequest("no version number provided")
        }
        let numbers = versions.compactMap(Int.init)
        return try await locks.withLock(key) {
            guard var metadata = try await self.loadMetadata(key) else { return .noContent }
            let now = self.clock()
            for number in numbers {
                if var version = metadata.versions[number], version.deleted == nil, !version.destroyed {
                    version.deleted = now
                    metadata.versions[number] = version
                }
            }
            try await self.storage.putJSON("metadata/" + key, metadata)
            return .noContent
        }
    }
}
