import CofferEncoding
import Foundation

/// A group of the identity store: its policies and metadata apply to its member
/// entities and, through `memberGroupIDs`, to the members of its subgroups
/// (Vault's group inheritance).
///
/// An internal group lists its members; an external group's members are set
/// by logins alone: an auth method names the login's groups (a JWT role's
/// `groups_claim`), and the group whose alias has that name on that mount
/// holds the entity until a later login of it no longer names the group.
package struct IdentityGroup: Sendable, Equatable {
    package enum Kind: String, Sendable {
        case `internal`, external
    }

    package var id: String
    package var name: String
    package var kind: Kind = .internal
    package var policies: [String]
    package var metadata: [String: String]
    package var memberEntityIDs: [String]
    /// Subgroups: their members inherit this group's policies. Internal groups only.
    package var memberGroupIDs: [String]
    /// An external group's name on one auth mount; at most one.
    package var alias: GroupAlias? = nil
    package var creationTime: Date
    package var lastUpdateTime: Date

    package init(
        id: String, name: String, kind: Kind = .internal, policies: [String], metadata: [String: String], memberEntityIDs: [String],
        memberGroupIDs: [String], alias: GroupAlias? = nil, creationTime: Date, lastUpdateTime: Date
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.policies = policies
        self.metadata = metadata
        self.memberEntityIDs = memberEntityIDs
        self.memberGroupIDs = memberGroupIDs
        self.alias = alias
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
    }
}

/// An external group's name on one auth mount: unique per mount accessor and name.
package struct GroupAlias: Sendable, Equatable {
    package var id: String
    package var mountAccessor: String
    package var mountType: String
    package var mountPath: String
    package var name: String
    package var creationTime: Date
    package var lastUpdateTime: Date
}

extension IdentityGroup {
    /// As stored at `identity/group/<id>` behind the barrier.
    var stored: Data {
        var record = StoredRecord()
        record.set("id", id)
        record.set("name", name)
        record.set("type", kind.rawValue)
        record.set("policies", policies)
        record.set("metadata", metadata)
        record.set("member_entity_ids", memberEntityIDs)
        record.set("member_group_ids", memberGroupIDs)
        record.set("creation_time", creationTime)
        record.set("last_update_time", lastUpdateTime)
        if let alias {
            var fields = StoredRecord()
            fields.set("id", alias.id)
            fields.set("mount_accessor", alias.mountAccessor)
            fields.set("mount_type", alias.mountType)
            fields.set("mount_path", alias.mountPath)
            fields.set("name", alias.name)
            fields.set("creation_time", alias.creationTime)
            fields.set("last_update_time", alias.lastUpdateTime)
            record.set("alias", (try? JSONValue.parse(fields.data)) ?? .null)
        }
        return record.data
    }

    init(stored data: Data) throws {
        let fields = try StoredFields(data, record: "group")
        var alias: GroupAlias?
        if let item = fields.value("alias"), item != .null {
            let stored = try StoredFields(item.serialized(), record: "group alias")
            alias = GroupAlias(
                id: try stored.string("id"), mountAccessor: try stored.string("mount_accessor"), mountType: try stored.string("mount_type"),
                mountPath: try stored.string("mount_path"), name: try stored.string("name"), creationTime: try stored.date("creation_time"),
                lastUpdateTime: try stored.date("last_update_time"))
        }
        self.init(
            id: try fields.string("id"), name: try fields.string("name"),
            // Groups stored before external groups existed are internal.
            kind: fields.optionalString("type").flatMap(Kind.init(rawValue:)) ?? .internal, policies: fields.strings("policies") ?? [],
            metadata: fields.stringMap("metadata") ?? [:], memberEntityIDs: fields.strings("member_entity_ids") ?? [],
            memberGroupIDs: fields.strings("member_group_ids") ?? [], alias: alias, creationTime: try fields.date("creation_time"),
            lastUpdateTime: try fields.date("last_update_time"))
    }
}

/// What a token's requests are decided with: its entity and every group the
/// entity belongs to, directly or through a subgroup.
package struct IdentityContext: Sendable {
    package let entity: Entity
    package let groups: [IdentityGroup]
    /// The entity's own policies and its groups', for the ACL.
    package var policies: [String] { entity.policies + groups.flatMap(\.policies) }
}
