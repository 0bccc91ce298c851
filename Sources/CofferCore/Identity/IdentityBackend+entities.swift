import CofferEncoding
import CofferMountKit
import Foundation

/// `identity/entity...`, `identity/entity-alias...` and `identity/lookup/entity`.
extension IdentityBackend {
    static let entityRoutes: [Route<IdentityBackend, IdentityCall, Response>] = [
        route("entity/id", "Lists entities by id.", [.list: { backend, r in backend.listEntities(r, byName: false) }]),
        route("entity/name", "Lists entities by name.", [.list: { backend, r in backend.listEntities(r, byName: true) }]),
        route(
            "entity/id/{id}", "Reads, updates or deletes an entity.",
            [
                .read: { backend, r in backend.found(r, backend.identity.entity(id: r.id).map(backend.entityJSON)) },
                .update: { backend, r in
                    guard var entity = backend.identity.entity(id: r.id) else { throw CoreError(.notFound, "entity not found") }
                    try update(&entity, r.fields)
                    try await backend.identity.save(entity)
                    return .noContent
                },
                .delete: { backend, r in
                    try await backend.identity.delete(id: r.id)
                    return .noContent
                },
            ]),
        route(
            "entity/name/{name...}", "Reads an entity by name.",
            [.read: { backend, r in backend.found(r, backend.identity.entity(name: r.name).map(backend.entityJSON)) }]),
        route(
            "entity-alias/id/{id}", "Reads an entity alias.",
            [.read: { backend, r in backend.found(r, backend.identity.alias(id: r.id).map { json($1, canonicalID: $0.id) }) }]),
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

    static func update(_ entity: inout Entity, _ fields: RequestFields) throws {
        if let name = try fields.string("name"), !name.isEmpty { entity.name = name }
        if let policies = try fields.stringList("policies") { entity.policies = policies.map(Policy.normalize).filter { !$0.isEmpty } }
        if let metadata = try fields.map("metadata") { entity.metadata = try strings(metadata) }
        if let disabled = try fields.bool("disabled") { entity.disabled = disabled }
        entity.lastUpdateTime = Date()
    }
}
