import CofferEncoding
import Foundation

/// An internal group of the identity store: its policies and metadata apply to
/// its member entities and, through `memberGroupIDs`, to the members of its
/// subgroups (Vault's group inheritance).
package struct IdentityGroup: Sendable, Equatable {
    package var id: String
    package var name: String
    package var policies: [String]
    package var metadata: [String: String]
    package var memberEntityIDs: [String]
    /// Subgroups: their members inherit this group's policies.
    package var memberGroupIDs: [String]
    package var creationTime: Date
    package var lastUpdateTime: Date
}

extension IdentityGroup {
    /// As stored at `identity/group/<id>` behind the barrier.
    var stored: Data {
        var record = StoredRecord()
        record.set("id", id)
        record.set("name", name)
        record.set("policies", policies)
        record.set("metadata", metadata)
        record.set("member_entity_ids", memberEntityIDs)
        record.set("member_group_ids", memberGroupIDs)
        record.set("creation_time", creationTime)
        record.set("last_update_time", lastUpdateTime)
        return record.data
    }

    init(stored data: Data) throws {
        let fields = try StoredFields(data, record: "group")
        self.init(
            id: try fields.string("id"), name: try fields.string("name"), policies: fields.strings("policies") ?? [],
            metadata: fields.stringMap("metadata") ?? [:], memberEntityIDs: fields.strings("member_entity_ids") ?? [],
            memberGroupIDs: fields.strings("member_group_ids") ?? [], creationTime: try fields.date("creation_time"),
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
