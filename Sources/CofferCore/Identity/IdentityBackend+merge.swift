import CofferEncoding
import CofferMountKit
import Foundation

/// `identity/entity/merge`: folds entities into one, as Vault does: the
/// aliases and group memberships of each `from_entity_ids` move to
/// `to_entity_id` and the merged entities are deleted; their policies and
/// metadata are not carried over.
extension IdentityBackend {
    /// Two aliases of one mount cannot share an entity: a clash is refused,
    /// listing both sides, unless `conflicting_alias_ids_to_keep` names the one
    /// to keep (then the other is deleted). `force` does not override a clash
    /// (OpenBao's behaviour).
    func merge(_ request: IdentityCall) async throws -> Response {
        let fields = request.fields
        guard let toID = try fields.string("to_entity_id"), !toID.isEmpty else {
            throw CoreError.badRequest("missing entity id to merge to")
        }
        guard let fromIDs = try fields.stringList("from_entity_ids"), !fromIDs.isEmpty else {
            throw CoreError.badRequest("missing entity ids to merge from")
        }
        let keep = Set(try fields.stringList("conflicting_alias_ids_to_keep") ?? [])
        if fromIDs.contains(toID) { throw CoreError.badRequest("to_entity_id should not be present in from_entity_ids") }
        var from: [Entity] = []
        for id in Array(Set(fromIDs)).sorted() {
            guard let entity = identity.entity(id: id) else { throw CoreError.badRequest("entity id to merge from is invalid") }
            from.append(entity)
        }
        guard var target = identity.entity(id: toID) else { throw CoreError.badRequest("entity id to merge to is invalid") }
        let now = Date()
        for source in from {
            for var alias in source.aliases {
                if let clash = target.aliases.first(where: { $0.mountAccessor == alias.mountAccessor }) {
                    if keep.contains(alias.id) {
                        target.aliases.removeAll { $0.id == clash.id }
                    } else if keep.contains(clash.id) {
                        continue
                    } else {
                        return clashAnswer(target: target, clash: clash, source: source, alias: alias, keepGiven: !keep.isEmpty)
                    }
                }
                alias.mergedFromCanonicalIDs.append(source.id)
                alias.lastUpdateTime = now
                target.aliases.append(alias)
            }
            target.mergedEntityIDs.append(source.id)
        }
        target.lastUpdateTime = now
        // The target first, then the merged entities go; their aliases are the target's by then.
        try await identity.save(target)
        for source in from {
            try await identity.moveGroupMemberships(from: source.id, to: target.id)
            try await identity.delete(id: source.id)
        }
        return .noContent
    }

    /// OpenBao's refusal of a clash: a 400 whose `data` lists the two aliases.
    private func clashAnswer(target: Entity, clash: EntityAlias, source: Entity, alias: EntityAlias, keepGiven: Bool) -> Response {
        let message =
            keepGiven
            ? "conflicting mount accessors in following alias IDs and neither were present in conflicting_alias_ids_to_keep: \(alias.id), \(clash.id)"
            : "2 errors occurred:\n\t* toEntity and at least one fromEntity have aliases with the same mount accessor, repeat the merge request specifying exactly one fromEntity, clashes: \n\t* mountAccessor: \(alias.mountAccessor), toEntity ID: \(target.id), fromEntity ID: \(source.id), conflicting toEntity alias ID: \(clash.id), conflicting fromEntity alias ID: \(alias.id)\n\n"
        guard !keepGiven else { return .error(CoreError.badRequest(message)) }
        func side(_ entity: Entity, _ alias: EntityAlias) -> JSONValue {
            [
                "alias": .string(alias.name), "entity": .string(entity.name), "entity_id": .string(entity.id),
                "mount": .string(alias.mountType), "mount_path": .string(alias.mountPath),
            ]
        }
        return .raw(
            status: 400, body: [("errors", .array([.string(message)])), ("data", .array([side(target, clash), side(source, alias)]))])
    }
}
