import CofferMountKit

extension KVv2Mount {
    /// Every path of a KV v2 mount, in OpenBao's order (spec/vault-api.md §6.1).
    static let paths = PathTable<KVv2Mount>(
        [
            MountPath(
                "config",
                fields: [maxVersions, casRequired, deleteVersionAfter],
                operations: [
                    .read: { kv, _ in try await kv.readConfig() },
                    .update: { kv, call in try await kv.writeConfig(call.request) },
                ],
                synopsis: "Configures settings for the KV store.",
                description:
                    "Sets the settings every key of this mount starts from: how many versions to keep, whether writes need check-and-set, and how long a version lives before it is deleted."
            ),
            MountPath(
                "data/{path...}",
                fields: [
                    secretPath,
                    FieldSpec("data", .map, "The secret's key-value pairs, stored as a new version and returned on read.", unchecked: true),
                    FieldSpec(
                        "options", .map,
                        "Options of the write. With \"cas\" set, the write is a check-and-set: 0 writes only if the key does not exist, and any other number only if it is the key's current version."
                    ),
                    FieldSpec("version", .int, "On a read, the version to return; 0 or absent means the current one."),
                ],
                operations: [
                    .read: { kv, call in try await kv.readData(call.request, call["path"]) },
                    .update: { kv, call in try await kv.writeData(call.request, call["path"]) },
                    .patch: { kv, call in try await kv.patchData(call.request, call["path"]) },
                    .delete: { kv, call in try await kv.softDeleteLatest(call["path"]) },
                ],
                exists: { kv, call in try await kv.loadMetadata(call["path"]) != nil },
                synopsis: "Write, patch, read and delete versions of a secret.",
                description: """
                    A write stores the data as a new version of the key; earlier versions stay until \
                    the key's version limit drops them. A patch merges its data into the current \
                    version and stores the result as a new one. A read returns the current version, \
                    or the one named by "version". A delete is a soft delete of the current version: \
                    its data stays and can be undeleted.
                    """
            ),
            versionsPath("delete", synopsis: "Soft-deletes versions of a secret.") { kv, call in
                try await kv.deleteVersions(call.request, call["path"])
            },
            versionsPath("destroy", synopsis: "Removes the data of versions of a secret for good.") { kv, call in
                try await kv.destroyVersions(call.request, call["path"])
            },
            metadataPath("metadata/{path...}"),
            metadataPath("metadata"),
            versionsPath("undelete", synopsis: "Undoes the soft delete of versions of a secret.") { kv, call in
                try await kv.undeleteVersions(call.request, call["path"])
            },
            MountPath(
                "subkeys/{path...}",
                fields: [secretPath, FieldSpec("version", .int, "The version to describe; 0 or absent means the current one.")],
                operations: [.read: { kv, call in try await kv.subkeys(call.request, call["path"]) }],
                synopsis: "Read a secret's structure without its values.",
                description: "Returns the keys of a version's data, nested as they are stored, with every value replaced by null."
            ),
        ],
        backendHelp: """
            A versioned key-value store. Each write of a key keeps a new version; versions \
            can be read, soft-deleted, undeleted and destroyed one by one, and the key's \
            metadata holds its settings and the times of each version. Values are encrypted \
            by the barrier before they reach storage.
            """
    )

    private static let secretPath = FieldSpec.capture("path", "Location of the secret.")
    private static let maxVersions = FieldSpec(
        "max_versions", .int, "The number of versions to keep; 0 means the mount's setting (10 by default).")
    private static let casRequired = FieldSpec("cas_required", .bool, "When true, every write must carry the \"cas\" option.")
    private static let deleteVersionAfter = FieldSpec(
        "delete_version_after", .duration, "How long a version lives before it is soft-deleted; 0 keeps it.")

    /// `delete/`, `undelete/` and `destroy/`: a write naming versions of a key.
    private static func versionsPath(_ verb: String, synopsis: String, _ handler: @escaping MountPath<KVv2Mount>.Handler) -> MountPath<
        KVv2Mount
    > {
        MountPath(
            verb + "/{path...}",
            fields: [secretPath, FieldSpec("versions", .list, "The version numbers to act on.")],
            operations: [.update: handler],
            synopsis: synopsis
        )
    }

    /// `metadata/<key>`: settings and history of a key; listing a folder.
    private static func metadataPath(_ pattern: String) -> MountPath<KVv2Mount> {
        MountPath(
            pattern,
            fields: [
                secretPath, maxVersions, casRequired, deleteVersionAfter,
                FieldSpec("custom_metadata", .map, "String pairs kept with the key, shown on every metadata read."),
            ],
            operations: [
                .read: { kv, call in try await kv.readMetadata(call["path"]) },
                .list: { kv, call in try await kv.listMetadata(call["path"]) },
                .update: { kv, call in try await kv.writeMetadata(call.request, call["path"]) },
                .patch: { kv, call in try await kv.writeMetadata(call.request, call["path"], merging: true) },
                .delete: { kv, call in try await kv.deleteMetadata(call["path"]) },
            ],
            synopsis: "Configures settings for a key and lists keys.",
            description: "Reads or changes the settings of one key, lists the keys of a folder, or deletes a key with every version it has."
        )
    }
}
