import CofferEncoding
import CofferMountKit
import Foundation

/// `identity/`: the entities and aliases of the identity store, in Vault's
/// shapes, for `bao read identity/entity/id/<id>` and hvac's
/// `secrets.identity.*`: entities, their aliases, and internal groups
/// (external groups and group aliases are not served yet).
struct IdentityBackend: CoreBackend {
    let identity: IdentityStore

    func isUnauthenticated(_ relativePath: String, _ operation: Request.Operation) -> Bool { false }

    func handle(_ call: BackendCall) async throws -> Response {
        let parts = call.relativePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let operation = call.request.operation
        let fields = RequestFields(call.request.data)
        switch (parts.first ?? "", parts.count > 1 ? parts[1] : "", operation) {
        case ("entity", "id", .list) where parts.count == 2 || (parts.count == 3 && parts[2].isEmpty):
            return keys(call, identity.entityIDs, info: { identity.entity(id: $0).map { ["name": .string($0.name)] } })
        case ("entity", "name", .list) where parts.count == 2 || (parts.count == 3 && parts[2].isEmpty):
            return keys(call, identity.entityIDs.compactMap { identity.entity(id: $0)?.name }.sorted(), info: { _ in nil })
        case ("entity", "id", .read) where parts.count == 3:
            return found(call, identity.entity(id: parts[2]).map(entityJSON))
        case ("entity", "name", .read) where parts.count == 3:
            return found(call, identity.entity(name: parts[2]).map(entityJSON))
        case ("entity", "id", .write) where parts.count == 3:
            guard var entity = identity.entity(id: parts[2]) else { throw CoreError(.notFound, "entity not found") }
            try update(&entity, fields)
            try await identity.save(entity)
            return .noContent
        case ("entity", "id", .delete) where parts.count == 3:
            try await identity.delete(id: parts[2])
            return .noContent
        case ("entity-alias", "id", .read) where parts.count == 3:
            return found(call, identity.alias(id: parts[2]).map { Self.json($1, canonicalID: $0.id) })
        case ("lookup", "entity", .write) where parts.count == 2:
            return try lookup(call, fields)
        case ("group", "", .write) where parts.count == 1:
            return try await writeGroup(call, fields, existing: try fields.string("id").flatMap { identity.group(id: $0) })
        case ("group", "id", .list) where parts.count == 2 || (parts.count == 3 && parts[2].isEmpty):
            return keys(call, identity.groupIDs, info: { identity.group(id: $0).map { ["name": .string($0.name)] } })
        case ("group", "name", .list) where parts.count == 2 || (parts.count == 3 && parts[2].isEmpty):
            return keys(call, identity.groupIDs.compactMap { identity.group(id: $0)?.name }.sorted(), info: { _ in nil })
        case ("group", "id", .read) where parts.count == 3:
            return found(call, identity.group(id: parts[2]).map(groupJSON))
        case ("group", "name", .read) where parts.count == 3:
            return found(call, identity.group(name: parts[2]).map(groupJSON))
        case ("group", "id", .write) where parts.count == 3:
            guard let group = identity.group(id: parts[2]) else { throw CoreError(.notFound, [String]()) }
            return try await writeGroup(call, fields, existing: group)
        case ("group", "name", .write) where parts.count == 3:
            var named = fields
            if identity.group(name: parts[2]) == nil {
                named = RequestFields(call.request.data.merging(["name": .string(parts[2])]) { _, path in path })
            }
            return try await writeGroup(call, named, existing: identity.group(name: parts[2]))
        case ("group", "id", .delete) where parts.count == 3:
            try await identity.deleteGroup(id: parts[2])
            return .noContent
        case ("group", "name", .delete) where parts.count == 3:
            if let group = identity.group(name: parts[2]) { try await identity.deleteGroup(id: group.id) }
            return .noContent
        case ("lookup", "group", .write) where parts.count == 2:
            let group =
                if let id = try fields.string("id") { identity.group(id: id) } else if let name = try fields.string("name") {
                    identity.group(name: name)
                } else { nil as IdentityGroup? }
            return group.map { .logical(LogicalResponse(requestID: call.request.id, data: groupJSON($0))) } ?? .noContent
        default:
            throw CoreError.unsupportedPath
        }
    }

    /// `identity/lookup/entity`: by `id`, `name`, `alias_id`, or `alias_name`
    /// with `alias_mount_accessor`; 204 when none matches.
    private func lookup(_ call: BackendCall, _ fields: RequestFields) throws -> Response {
        let entity: Entity?
        if let id = try fields.string("id") {
            entity = identity.entity(id: id)
        } else if let name = try fields.string("name") {
            entity = identity.entity(name: name)
        } else if let aliasID = try fields.string("alias_id") {
            entity = identity.alias(id: aliasID)?.0
        } else if let aliasName = try fields.string("alias_name"), let accessor = try fields.string("alias_mount_accessor") {
            entity = identity.entityIDs.lazy.compactMap { identity.entity(id: $0) }
                .first { $0.aliases.contains { $0.name == aliasName && $0.mountAccessor == accessor } }
        } else {
            throw CoreError.badRequest("one of id, name, alias_id or alias_name with alias_mount_accessor is required")
        }
        return entity.map { .logical(LogicalResponse(requestID: call.request.id, data: entityJSON($0))) } ?? .noContent
    }

    private func update(_ entity: inout Entity, _ fields: RequestFields) throws {
        if let name = try fields.string("name"), !name.isEmpty { entity.name = name }
        if let policies = try fields.stringList("policies") { entity.policies = policies.map(Policy.normalize).filter { !$0.isEmpty } }
        if let metadata = try fields.map("metadata") { entity.metadata = try Self.strings(metadata) }
        if let disabled = try fields.bool("disabled") { entity.disabled = disabled }
        entity.lastUpdateTime = Date()
    }

    private func found(_ call: BackendCall, _ data: JSONValue?) -> Response {
        guard let data else { return .error(CoreError(.notFound, [String]())) }
        return .logical(LogicalResponse(requestID: call.request.id, data: data))
    }

    private func keys(_ call: BackendCall, _ keys: [String], info: (String) -> [String: JSONValue]?) -> Response {
        guard !keys.isEmpty else { return .error(CoreError(.notFound, [String]())) }
        var data: [String: JSONValue] = ["keys": JSONValue(keys)]
        let details = keys.reduce(into: [String: JSONValue]()) { result, key in info(key).map { result[key] = .object($0) } }
        if !details.isEmpty { data["key_info"] = .object(details) }
        return .logical(LogicalResponse(requestID: call.request.id, data: .object(data)))
    }

    /// `identity/group` (create, or update with `id`), `group/id/<id>`,
    /// `group/name/<name>`: internal groups only. Answers the id and name on create.
    private func writeGroup(_ call: BackendCall, _ fields: RequestFields, existing: IdentityGroup?) async throws -> Response {
        if let type = try fields.string("type"), type != "internal" {
            throw CoreError.badRequest("only internal groups are supported")
        }
        let now = Date()
        var group =
            existing
            ?? IdentityGroup(
                id: UUIDs.make(), name: "", policies: [], metadata: [:], memberEntityIDs: [], memberGroupIDs: [], creationTime: now,
                lastUpdateTime: now)
        if let name = try fields.string("name"), !name.isEmpty {
            if let other = identity.group(name: name), other.id != group.id {
                throw CoreError.badRequest("group name is already in use")
            }
            group.name = name
        }
        if group.name.isEmpty { group.name = "group_" + String(group.id.prefix(8)) }
        if let policies = try fields.stringList("policies") { group.policies = policies.map(Policy.normalize).filter { !$0.isEmpty } }
        if let metadata = try fields.map("metadata") { group.metadata = try Self.strings(metadata) }
        if let members = try fields.stringList("member_entity_ids") {
            for id in members where identity.entity(id: id) == nil { throw CoreError.badRequest("entity \"\(id)\" does not exist") }
            group.memberEntityIDs = Array(Set(members)).sorted()
        }
        if let members = try fields.stringList("member_group_ids") {
            for id in members where identity.group(id: id) == nil || id == group.id {
                throw CoreError.badRequest("invalid member group \"\(id)\"")
            }
            group.memberGroupIDs = Array(Set(members)).sorted()
        }
        group.lastUpdateTime = now
        try await identity.save(group)
        if existing != nil { return .noContent }
        return .logical(LogicalResponse(requestID: call.request.id, data: ["id": .string(group.id), "name": .string(group.name)]))
    }

    private static func strings(_ metadata: [String: JSONValue]) throws -> [String: String] {
        var strings: [String: String] = [:]
        for (key, value) in metadata {
            guard let text = value.stringValue else { throw CoreError.badRequest("metadata values must be strings") }
            strings[key] = text
        }
        return strings
    }

    func groupJSON(_ group: IdentityGroup) -> JSONValue {
        [
            "id": .string(group.id),
            "name": .string(group.name),
            "type": "internal",
            "policies": JSONValue(group.policies),
            "metadata": group.metadata.isEmpty ? .null : .object(group.metadata.mapValues { .string($0) }),
            "member_entity_ids": JSONValue(group.memberEntityIDs),
            "member_group_ids": JSONValue(group.memberGroupIDs),
            "parent_group_ids": JSONValue(identity.parentGroupIDs(of: group.id)),
            "alias": [:],
            "creation_time": .string(Timestamps.rfc3339(group.creationTime)),
            "last_update_time": .string(Timestamps.rfc3339(group.lastUpdateTime)),
            "namespace_id": "root",
        ]
    }

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
            "merged_entity_ids": .null, "namespace_id": "root", "bucket_key_hash": "",
        ]
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
            "custom_metadata": .null,
            "local": false,
            "creation_time": .string(Timestamps.rfc3339(alias.creationTime)),
            "last_update_time": .string(Timestamps.rfc3339(alias.lastUpdateTime)),
            "merged_from_canonical_ids": .null, "namespace_id": "root",
        ]
    }
}
