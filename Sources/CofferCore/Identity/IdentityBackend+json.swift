import CofferEncoding
import Foundation

/// The shapes `identity/` answers with, as OpenBao's (checked against `bao server -dev`).
extension IdentityBackend {
    func entityJSON(_ entity: Entity) -> JSONValue {
        guard case .object(var members) = Self.json(entity) else { return .null }
        let (direct, all) = identity.groupIDs(of: entity.id)
        members["direct_group_ids"] = JSONValue(direct)
        members["group_ids"] = JSONValue(all)
        members["inherited_group_ids"] = JSONValue(all.filter { !direct.contains($0) })
        return .object(members)
    }

    static func json(_ entity: Entity) -> JSONValue {
        [
            "id": .string(entity.id),
            "name": .string(entity.name),
            "metadata": entity.metadata.isEmpty ? .null : .object(entity.metadata.mapValues { .string($0) }),
            "policies": JSONValue(entity.policies),
            "disabled": .bool(entity.disabled),
            "aliases": .array(entity.aliases.map { json($0, canonicalID: entity.id) }),
            "creation_time": .string(Timestamps.rfc3339(entity.creationTime)),
            "last_update_time": .string(Timestamps.rfc3339(entity.lastUpdateTime)),
            "direct_group_ids": [], "group_ids": [], "inherited_group_ids": [],
            "merged_entity_ids": entity.mergedEntityIDs.isEmpty ? .null : JSONValue(entity.mergedEntityIDs),
            "namespace_id": "root", "bucket_key_hash": "",
        ]
    }

    /// An entity in `LIST identity/entity/id`'s `key_info`.
    static func listInfo(_ entity: Entity) -> JSONValue {
        var info: [String: JSONValue] = ["name": .string(entity.name)]
        if !entity.aliases.isEmpty {
            info["aliases"] = .array(
                entity.aliases.map { alias in
                    [
                        "id": .string(alias.id), "mount_accessor": .string(alias.mountAccessor), "mount_path": .string(alias.mountPath),
                        "mount_type": .string(alias.mountType), "name": .string(alias.name),
                    ]
                })
        }
        return .object(info)
    }

    static func json(_ alias: EntityAlias, canonicalID: String) -> JSONValue {
        [
            "id": .string(alias.id),
            "canonical_id": .string(canonicalID),
            "mount_accessor": .string(alias.mountAccessor),
            "mount_type": .string(alias.mountType),
            "mount_path": .string(alias.mountPath),
            "name": .string(alias.name),
            "metadata": alias.metadata.isEmpty ? .null : .object(alias.metadata.mapValues { .string($0) }),
            "custom_metadata": mapOrNull(alias.customMetadata),
            "local": false,
            "creation_time": .string(Timestamps.rfc3339(alias.creationTime)),
            "last_update_time": .string(Timestamps.rfc3339(alias.lastUpdateTime)),
            "merged_from_canonical_ids": alias.mergedFromCanonicalIDs.isEmpty ? .null : JSONValue(alias.mergedFromCanonicalIDs),
            "namespace_id": "root",
        ]
    }

    func groupJSON(_ group: IdentityGroup) -> JSONValue {
        [
            "id": .string(group.id),
            "name": .string(group.name),
            "type": .string(group.kind.rawValue),
            "policies": Self.listOrNull(group.policies),
            "metadata": group.metadata.isEmpty ? .null : .object(group.metadata.mapValues { .string($0) }),
            "member_entity_ids": Self.listOrNull(group.memberEntityIDs),
            "member_group_ids": Self.listOrNull(group.memberGroupIDs),
            "parent_group_ids": Self.listOrNull(identity.parentGroupIDs(of: group.id)),
            "alias": group.alias.map { Self.json($0, group: group, full: false) } ?? [:],
            "creation_time": .string(Timestamps.rfc3339(group.creationTime)),
            "last_update_time": .string(Timestamps.rfc3339(group.lastUpdateTime)),
            "namespace_id": "root",
        ]
    }

    /// A group in `LIST identity/group/id`'s `key_info`.
    func groupListInfo(_ group: IdentityGroup) -> JSONValue {
        var info: [String: JSONValue] = [
            "name": .string(group.name), "num_member_entities": .int(Int64(group.memberEntityIDs.count)),
            "num_parent_groups": .int(Int64(identity.parentGroupIDs(of: group.id).count)),
        ]
        if let alias = group.alias {
            info["alias"] = [
                "id": .string(alias.id), "mount_accessor": .string(alias.mountAccessor), "mount_path": .string(alias.mountPath),
                "mount_type": .string(alias.mountType), "name": .string(alias.name),
            ]
        }
        return .object(info)
    }

    /// A group alias as `group-alias/id/<id>` shows it (`full`), or inside its group's read.
    static func json(_ alias: GroupAlias, group: IdentityGroup, full: Bool) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(alias.id), "canonical_id": .string(group.id), "mount_accessor": .string(alias.mountAccessor),
            "mount_type": .string(alias.mountType), "mount_path": .string(alias.mountPath), "name": .string(alias.name),
            "metadata": .null, "merged_from_canonical_ids": .null,
            "creation_time": .string(Timestamps.rfc3339(alias.creationTime)),
            "last_update_time": .string(Timestamps.rfc3339(alias.lastUpdateTime)),
        ]
        if full {
            members["custom_metadata"] = .null
            members["local"] = false
            members["namespace_id"] = "root"
        }
        return .object(members)
    }

    /// A group alias in `LIST identity/group-alias/id`'s `key_info`.
    static func listInfo(_ alias: GroupAlias, group: IdentityGroup) -> JSONValue {
        [
            "canonical_id": .string(group.id), "custom_metadata": .null, "local": false, "metadata": .null,
            "mount_accessor": .string(alias.mountAccessor), "mount_path": .string(alias.mountPath), "mount_type": .string(alias.mountType),
            "name": .string(alias.name),
        ]
    }

    static func mapOrNull(_ map: [String: String]) -> JSONValue {
        map.isEmpty ? .null : .object(map.mapValues { .string($0) })
    }

    /// OpenBao answers `null` for a list it never set.
    private static func listOrNull(_ values: [String]) -> JSONValue {
        values.isEmpty ? .null : JSONValue(values)
    }
}
