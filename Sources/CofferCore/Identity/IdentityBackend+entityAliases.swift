import CofferEncoding
import CofferMountKit
import Foundation

/// Writing entity aliases by hand: `identity/entity-alias` and `entity-alias/id/<id>`.
extension IdentityBackend {
    /// Creates or updates an entity alias (`id`: the alias to update; without
    /// one, the alias with this `mount_accessor` and `name` is updated if it
    /// exists). Without a `canonical_id`, a new alias gets a new entity. An
    /// entity holds one alias per mount (Vault's errors for both cases).
    func writeEntityAlias(_ request: IdentityCall, id: String?) async throws -> Response {
        let fields = request.fields
        let name = try fields.string("name").flatMap { $0.isEmpty ? nil : $0 }
        let accessor = try fields.string("mount_accessor").flatMap { $0.isEmpty ? nil : $0 }
        var previous: (entity: Entity, alias: EntityAlias)?
        if let id, !id.isEmpty {
            guard let found = identity.alias(id: id) else { throw CoreError.badRequest("invalid alias ID provided") }
            previous = (entity: found.0, alias: found.1)
        } else {
            guard let name, let accessor else { throw CoreError.badRequest("'id' or 'mount_accessor' and 'name' must be provided") }
            previous = identity.entity(aliasAccessor: accessor, name: name).flatMap { entity in
                entity.aliases.first { $0.mountAccessor == accessor && $0.name == name }.map { (entity: entity, alias: $0) }
            }
        }
        let newAccessor = accessor ?? previous?.alias.mountAccessor ?? ""
        let newName = name ?? previous?.alias.name ?? ""
        let mount = try authMount(accessor: newAccessor)
        if let holder = identity.entity(aliasAccessor: newAccessor, name: newName),
            let held = holder.aliases.first(where: { $0.mountAccessor == newAccessor && $0.name == newName }), held.id != previous?.alias.id
        {
            throw CoreError.badRequest("alias with combination of mount accessor and name already exists")
        }
        var target: Entity?
        if let canonical = try fields.string("canonical_id"), !canonical.isEmpty {
            guard let entity = identity.entity(id: canonical) else { throw CoreError.badRequest("invalid canonical ID") }
            target = entity
        }
        // Same alias, same entity, nothing new: Vault answers 204 to a repeated create.
        let metadata = try fields.map("metadata").map(Self.strings)
        let custom = try fields.map("custom_metadata").map(Self.strings)
        if id == nil, let previous, target == nil || target?.id == previous.entity.id, metadata == nil, custom == nil {
            return .noContent
        }
        let now = Date()
        var entity =
            target ?? previous?.entity
            ?? {
                let entityID = UUIDs.make()
                return Entity(
                    id: entityID, name: Entity.defaultName(id: entityID), metadata: [:], policies: [], disabled: false, aliases: [],
                    creationTime: now, lastUpdateTime: now)
            }()
        if entity.aliases.contains(where: { $0.mountAccessor == newAccessor && $0.id != previous?.alias.id }) {
            throw CoreError.badRequest(
                previous == nil
                    ? "Alias already exists for requested entity and mount accessor"
                    : "Alias cannot be updated as the given entity already has an alias for this mount ")
        }
        var alias =
            previous?.alias
            ?? EntityAlias(
                id: UUIDs.make(), mountAccessor: newAccessor, mountType: mount.type, mountPath: mount.routePath, name: newName,
                metadata: [:],
                creationTime: now, lastUpdateTime: now)
        alias.mountAccessor = newAccessor
        alias.mountType = mount.type
        alias.mountPath = mount.routePath
        alias.name = newName
        if let metadata { alias.metadata = metadata }
        if let custom { alias.customMetadata = custom }
        alias.lastUpdateTime = now
        // Moved to another entity: the one it leaves loses it first.
        if var left = previous?.entity, left.id != entity.id {
            left.aliases.removeAll { $0.id == alias.id }
            left.lastUpdateTime = now
            try await identity.save(left)
        }
        entity.aliases.removeAll { $0.id == alias.id }
        entity.aliases.append(alias)
        entity.lastUpdateTime = now
        try await identity.save(entity)
        return request.answer(["canonical_id": .string(entity.id), "id": .string(alias.id)])
    }

    func deleteEntityAlias(_ request: IdentityCall) async throws -> Response {
        guard var entity = identity.alias(id: request.id)?.0 else { return .noContent }
        entity.aliases.removeAll { $0.id == request.id }
        entity.lastUpdateTime = Date()
        try await identity.save(entity)
        return .noContent
    }

    func listEntityAliases(_ request: IdentityCall) -> Response {
        let entities = identity.entityIDs.compactMap { identity.entity(id: $0) }
        var info: [String: JSONValue] = [:]
        for entity in entities {
            for alias in entity.aliases {
                info[alias.id] = [
                    "canonical_id": .string(entity.id), "custom_metadata": Self.mapOrNull(alias.customMetadata), "local": false,
                    "metadata": Self.mapOrNull(alias.metadata), "mount_accessor": .string(alias.mountAccessor),
                    "mount_path": .string(alias.mountPath), "mount_type": .string(alias.mountType), "name": .string(alias.name),
                ]
            }
        }
        return keys(request, info.keys.sorted(), info: { info[$0] })
    }
}
