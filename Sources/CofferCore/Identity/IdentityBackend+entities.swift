import CofferEncoding
import CofferMountKit
import Foundation

/// `identity/entity...`, `identity/entity-alias...` and `identity/lookup/entity`.
extension IdentityBackend {
    static let entityRoutes: [Route<IdentityBackend, IdentityCall, Response>] = [
        route(
            "entity", "Creates an entity, or updates the one with `id` or `name`.",
            [
                .update: { backend, r in
                    if let id = try r.fields.string("id"), !id.isEmpty {
                        guard let entity = backend.identity.entity(id: id) else { throw CoreError.badRequest("entity not found from id") }
                        return try await backend.writeEntity(r, existing: entity)
                    }
                    let name = try r.fields.string("name") ?? ""
                    return try await backend.writeEntity(r, existing: name.isEmpty ? nil : backend.identity.entity(name: name))
                }
            ]),
        route("entity/merge", "Merges entities into one.", [.update: { try await $0.merge($1) }]),
        route("entity/id", "Lists entities by id.", [.list: { backend, r in backend.listEntities(r, byName: false) }]),
        route("entity/name", "Lists entities by name.", [.list: { backend, r in backend.listEntities(r, byName: true) }]),
        route(
            "entity/id/{id}", "Reads, updates or deletes an entity.",
            [
                .read: { backend, r in backend.found(r, backend.identity.entity(id: r.id).map(backend.entityJSON)) },
                .update: { backend, r in
                    guard let entity = backend.identity.entity(id: r.id) else { throw CoreError(.notFound, "entity not found") }
                    return try await backend.writeEntity(r, existing: entity)
                },
                .delete: { backend, r in
                    try await backend.identity.delete(id: r.id)
                    return .noContent
                },
            ]),
        route(
            "entity/name/{name...}", "Reads, creates or updates, or deletes an entity by name.",
            [
                .read: { backend, r in backend.found(r, backend.identity.entity(name: r.name).map(backend.entityJSON)) },
                .update: { backend, r in
                    let existing = backend.identity.entity(name: r.name)
                    return try await backend.writeEntity(existing == nil ? r.with("name", .string(r.name)) : r, existing: existing)
                },
                .delete: { backend, r in
                    if let entity = backend.identity.entity(name: r.name) { try await backend.identity.delete(id: entity.id) }
                    return .noContent
                },
            ]),
        route(
            "entity-alias", "Creates an entity alias, or updates the one with `id`.",
            [.update: { try await $0.writeEntityAlias($1, id: try $1.fields.string("id")) }]),
        route("entity-alias/id", "Lists entity aliases by id.", [.list: { backend, r in backend.listEntityAliases(r) }]),
        route(
            "entity-alias/id/{id}", "Reads, updates or deletes an entity alias.",
            [
                .read: { backend, r in backend.found(r, backend.identity.alias(id: r.id).map { json($1, canonicalID: $0.id) }) },
                .update: { try await $0.writeEntityAlias($1, id: $1.id) },
                .delete: { try await $0.deleteEntityAlias($1) },
            ]),
        route("lookup/entity", "Finds an entity by id, name or alias.", [.update: { backend, r in try backend.lookupEntity(r) }]),
    ]

    private func listEntities(_ request: IdentityCall, byName: Bool) -> Response {
        let entities = identity.entityIDs.compactMap { identity.entity(id: $0) }
        if byName { return keys(request, entities.map(\.name).sorted(), info: { _ in nil }) }
        let byID = Dictionary(entities.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return keys(request, entities.map(\.id), info: { byID[$0].map(Self.listInfo) })
    }

    /// `identity/lookup/entity`: by `id`, `name`, `alias_id`, or `alias_name`
    /// with `alias_mount_accessor`; 204 when none matches.
    private func lookupEntity(_ request: IdentityCall) throws -> Response {
        let fields = request.fields
        let entity: Entity?
        if let id = try fields.string("id") {
            entity = identity.entity(id: id)
        } else if let name = try fields.string("name") {
            entity = identity.entity(name: name)
        } else if let aliasID = try fields.string("alias_id") {
            entity = identity.alias(id: aliasID)?.0
        } else if let aliasName = try fields.string("alias_name"), let accessor = try fields.string("alias_mount_accessor") {
            entity = identity.entity(aliasAccessor: accessor, name: aliasName)
        } else {
            throw CoreError.badRequest("one of id, name, alias_id or alias_name with alias_mount_accessor is required")
        }
        return entity.map { request.answer(entityJSON($0)) } ?? .noContent
    }

    /// Creates an entity (answering its id and name) or updates one (204).
    private func writeEntity(_ request: IdentityCall, existing: Entity?) async throws -> Response {
        let now = Date()
        var entity =
            existing
            ?? {
                let id = UUIDs.make()
                return Entity(
                    id: id, name: Entity.defaultName(id: id), metadata: [:], policies: [], disabled: false, aliases: [], creationTime: now,
                    lastUpdateTime: now)
            }()
        try update(&entity, request.fields)
        try await identity.save(entity)
        if existing != nil { return .noContent }
        return request.answer(["id": .string(entity.id), "name": .string(entity.name), "aliases": .null])
    }

    private func update(_ entity: inout Entity, _ fields: RequestFields) throws {
        if let name = try fields.string("name"), !name.isEmpty {
            if let other = identity.entity(name: name), other.id != entity.id {
                throw CoreError.badRequest("entity name is already in use")
            }
            entity.name = name
        }
        if let policies = try fields.stringList("policies") { entity.policies = policies.map(Policy.normalize).filter { !$0.isEmpty } }
        if let metadata = try fields.map("metadata") { entity.metadata = try Self.strings(metadata) }
        if let disabled = try fields.bool("disabled") { entity.disabled = disabled }
        entity.lastUpdateTime = Date()
    }
}
