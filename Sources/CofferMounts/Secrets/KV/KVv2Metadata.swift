import CofferEncoding
import CofferMountKit
import Foundation

/// The stored metadata of one KV v2 key: its versions and settings.
struct KVv2Metadata: Codable, Sendable {
    struct Version: Codable, Sendable {
        var created: Date
        var deleted: Date?
        var destroyed: Bool
    }

    var created: Date
    var updated: Date
    var currentVersion: Int
    var oldestVersion: Int
    var maxVersions: Int
    var casRequired: Bool
    var deleteVersionAfter: Int64
    var customMetadata: [String: String]?
    var currentMetadataVersion: Int
    var versions: [Int: Version]

    static func fresh(at now: Date) -> KVv2Metadata {
        KVv2Metadata(
            created: now, updated: now, currentVersion: 0, oldestVersion: 0, maxVersions: 0,
            casRequired: false, deleteVersionAfter: 0, customMetadata: nil, currentMetadataVersion: 0, versions: [:]
        )
    }

    /// The metadata block of a data read or write.
    func versionJSON(_ number: Int) -> JSONValue {
        let version = versions[number]
        return [
            "created_time": .string(version.map { Timestamps.rfc3339($0.created) } ?? ""),
            "custom_metadata": customMetadataJSON,
            "deletion_time": .string(version?.deleted.map { Timestamps.rfc3339($0) } ?? ""),
            "destroyed": .bool(version?.destroyed ?? false),
            "version": JSONValue(number),
        ]
    }

    var customMetadataJSON: JSONValue {
        customMetadata.map { .object($0.mapValues { .string($0) }) } ?? .null
    }

    /// What `GET <mount>/metadata/<key>` shows (spec §6.1).
    var json: [String: JSONValue] {
        [
            "cas_required": .bool(casRequired),
            "created_time": .string(Timestamps.rfc3339(created)),
            "current_metadata_version": JSONValue(currentMetadataVersion),
            "current_version": JSONValue(currentVersion),
            "custom_metadata": customMetadataJSON,
            "delete_version_after": .string(GoDuration.format(seconds: deleteVersionAfter)),
            "max_versions": JSONValue(maxVersions),
            "metadata_cas_required": false,
            "oldest_version": JSONValue(oldestVersion),
            "updated_time": .string(Timestamps.rfc3339(updated)),
            "versions": .object(
                Dictionary(
                    uniqueKeysWithValues: versions.map { number, version in
                        (
                            String(number),
                            [
                                "created_time": .string(Timestamps.rfc3339(version.created)),
                                "deletion_time": .string(version.deleted.map { Timestamps.rfc3339($0) } ?? ""),
                                "destroyed": .bool(version.destroyed),
                            ] as JSONValue
                        )
                    })),
        ]
    }
}

/// The mount-wide KV v2 settings at `<mount>/config`.
struct KVv2Config: Codable, Sendable {
    var maxVersions: Int = 0
    var casRequired = false
    var deleteVersionAfter: Int64 = 0

    var json: [String: JSONValue] {
        [
            "cas_required": .bool(casRequired),
            "delete_version_after": .string(GoDuration.format(seconds: deleteVersionAfter)),
            "max_versions": JSONValue(maxVersions),
            "metadata_cas_required": false,
        ]
    }
}
