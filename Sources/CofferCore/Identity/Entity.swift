import CofferEncoding
import Foundation

/// A user or machine as the identity store knows it, across auth methods: each
/// login through a method adds (or refreshes) one alias. Vault's shapes
/// (spec: Vault's identity API).
package struct Entity: Sendable, Equatable {
    package var id: String
    package var name: String
    package var metadata: [String: String]
    package var policies: [String]
    package var disabled: Bool
    package var aliases: [EntityAlias]
    package var creationTime: Date
    package var lastUpdateTime: Date
    /// The entities merged into this one (`entity/merge`).
    package var mergedEntityIDs: [String] = []

    /// Vault names an entity made by a login `entity_` and the first 8 characters of its id.
    package static func defaultName(id: String) -> String {
        "entity_" + String(id.prefix(8))
    }

    package func alias(accessor: String) -> EntityAlias? {
        aliases.first { $0.mountAccessor == accessor }
    }
}

/// One auth method's name for an entity: unique per mount accessor and name.
package struct EntityAlias: Sendable, Equatable {
    package var id: String
    package var mountAccessor: String
    package var mountType: String
    package var mountPath: String
    package var name: String
    /// For a JWT login, the role's `claim_mappings`; what templated policies read.
    package var metadata: [String: String]
    package var creationTime: Date
    package var lastUpdateTime: Date
    /// Set through the identity API only; no login changes it.
    package var customMetadata: [String: String] = [:]
    /// The entities this alias belonged to before merges moved it here.
    package var mergedFromCanonicalIDs: [String] = []
}

extension Entity {
    /// As stored at `identity/entity/<id>` behind the barrier.
    var stored: Data {
        var record = StoredRecord()
        record.set("id", id)
        record.set("name", name)
        record.set("metadata", metadata)
        record.set("policies", policies)
        record.set("disabled", disabled)
        record.set("creation_time", creationTime)
        record.set("last_update_time", lastUpdateTime)
        record.set("merged_entity_ids", mergedEntityIDs)
        record.set(
            "aliases",
            .array(
                aliases.map { alias in
                    var fields = StoredRecord()
                    fields.set("id", alias.id)
                    fields.set("mount_accessor", alias.mountAccessor)
                    fields.set("mount_type", alias.mountType)
                    fields.set("mount_path", alias.mountPath)
                    fields.set("name", alias.name)
                    fields.set("metadata", alias.metadata)
                    fields.set("creation_time", alias.creationTime)
                    fields.set("last_update_time", alias.lastUpdateTime)
                    fields.set("custom_metadata", alias.customMetadata)
                    fields.set("merged_from_canonical_ids", alias.mergedFromCanonicalIDs)
                    return (try? JSONValue.parse(fields.data)) ?? .null
                }))
        return record.data
    }

    init(stored data: Data) throws {
        let fields = try StoredFields(data, record: "entity")
        var aliases: [EntityAlias] = []
        for item in fields.value("aliases")?.arrayValue ?? [] {
            let alias = try StoredFields(item.serialized(), record: "entity alias")
            aliases.append(
                EntityAlias(
                    id: try alias.string("id"), mountAccessor: try alias.string("mount_accessor"),
                    mountType: try alias.string("mount_type"), mountPath: try alias.string("mount_path"), name: try alias.string("name"),
                    metadata: alias.stringMap("metadata") ?? [:], creationTime: try alias.date("creation_time"),
                    lastUpdateTime: try alias.date("last_update_time"), customMetadata: alias.stringMap("custom_metadata") ?? [:],
                    mergedFromCanonicalIDs: alias.strings("merged_from_canonical_ids") ?? []))
        }
        self.init(
            id: try fields.string("id"), name: try fields.string("name"), metadata: fields.stringMap("metadata") ?? [:],
            policies: fields.strings("policies") ?? [], disabled: (try? fields.bool("disabled")) ?? false, aliases: aliases,
            creationTime: try fields.date("creation_time"), lastUpdateTime: try fields.date("last_update_time"),
            mergedEntityIDs: fields.strings("merged_entity_ids") ?? [])
    }
}
