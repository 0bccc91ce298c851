import CofferEncoding
import CofferMountKit
import Foundation

/// `identity/group...`, `identity/group-alias...` and `identity/lookup/group`.
extension IdentityBackend {
    static let groupRoutes: [Route<IdentityBackend, IdentityCall, Response>] = [
        route(
            "group", "Creates a group, or updates the one with `id`.",
            [
                .update: { backend, r in
                    try await backend.writeGroup(r, existing: try r.fields.string("id").flatMap(backend.identity.group(id:)))
                }
            ]
        ),
        route("group/id", "Lists groups by id.", [.list: { backend, r in backend.listGroups(r, byName: false) }]),
        route("group/name", "Lists groups by name.", [.list: { backend, r in backend.listGroups(r, byName: true) }]),
        route(
            "group/id/{id}", "Reads, updates or deletes a group.",
            [
                .read: { backend, r in backend.found(r, backend.identity.group(id: r.id).map(backend.groupJSON)) },
                .update: { backend, r in
                    guard let group = backend.identity.group(id: r.id) else { throw CoreError(.notFound, [String]()) }
                    return try await backend.writeGroup(r, existing: group)
                },
                .delete: { backend, r in
                    try await backend.identity.deleteGroup(id: r.id)
                    return .noContent
                },
            ]),
        route(
            "group/name/{name...}", "Reads, creates or updates, or deletes a group by name.",
            [
                .read: { backend, r in backend.found(r, backend.identity.group(name: r.name).map(backend.groupJSON)) },
                .update: { backend, r in
                    let existing = backend.identity.group(name: r.name)
                    let named = existing == nil ? r.with("name", .string(r.name)) : r
                    return try await backend.writeGroup(named, existing: existing)
                },
                .delete: { backend, r in
                    if let group = backend.identity.group(name: r.name) { try await backend.identity.deleteGroup(id: group.id) }
                    return .noContent
                },
            ]),
        route(
            "group-alias", "Creates a group alias, or updates the one with `id`.",
            [.update: { try await $0.writeGroupAlias($1, id: try $1.fields.string("id")) }]),
        route("group-alias/id", "Lists group aliases by id.", [.list: { backend, r in backend.listGroupAliases(r) }]),
        route(
            "group-alias/id/{id}", "Reads, updates or deletes a group alias.",
            [
                .read: { backend, r in backend.found(r, backend.identity.groupAlias(id: r.id).map { Self.json($1, group: $0, full: true) })
                },
                .update: { try await $0.writeGroupAlias($1, id: $1.id) },
                .delete: { backend, r in
                    guard var group = backend.identity.groupAlias(id: r.id)?.0 else { return .noContent }
                    group.alias = nil
                    group.lastUpdateTime = Date()
                    try await backend.identity.save(group)
                    return .noContent
                },
            ]),
        route("lookup/group", "Finds a group by id, name or alias.", [.update: { backend, r in try backend.lookupGroup(r) }]),
    ]

    private func listGroups(_ request: IdentityCall, byName: Bool) -> Response {
        let groups = identity.groupIDs.compactMap { identity.group(id: $0) }
        if byName { return keys(request, groups.map(\.name).sorted(), info: { _ in nil }) }
        let byID = Dictionary(groups.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return keys(request, groups.map(\.id), info: { byID[$0].map(groupListInfo) })
    }

    private func listGroupAliases(_ request: IdentityCall) -> Response {
        keys(request, identity.groupAliasIDs, info: { id in identity.groupAlias(id: id).map { Self.listInfo($1, group: $0) } })
    }

    /// `identity/lookup/group`: by `id`, `name`, `alias_id`, or `alias_name` with
    /// `alias_mount_accessor`; 204 when none matches.
    private func lookupGroup(_ request: IdentityCall) throws -> Response {
        let fields = request.fields
        let group: IdentityGroup?
        if let id = try fields.string("id") {
            group = identity.group(id: id)
        } else if let name = try fields.string("name") {
            group = identity.group(name: name)
        } else if let aliasID = try fields.string("alias_id") {
            group = identity.groupAlias(id: aliasID)?.0
        } else if let aliasName = try fields.string("alias_name"), let accessor = try fields.string("alias_mount_accessor") {
            group = identity.group(aliasAccessor: accessor, name: aliasName)
        } else {
            throw CoreError.badRequest("one of id, name, alias_id or alias_name with alias_mount_accessor is required")
        }
        return group.map { request.answer(groupJSON($0)) } ?? .noContent
    }

    /// Creates or updates a group. The type is set once; an external group's
    /// members come from logins only (Vault's errors for each). Answers the id
    /// and name on create, nothing on update.
    private func writeGroup(_ request: IdentityCall, existing: IdentityGroup?) async throws -> Response {
        let fields = request.fields
        let now = Date()
        var group =
            existing
            ?? IdentityGroup(
                id: UUIDs.make(), name: "", policies: [], metadata: [:], memberEntityIDs: [], memberGroupIDs: [], creationTime: now,
                lastUpdateTime: now)
        if let type = try fields.string("type"), !type.isEmpty {
            guard let kind = IdentityGroup.Kind(rawValue: type) else { throw CoreError.badRequest("invalid group type \"\(type)\"") }
            if existing != nil, kind != group.kind { throw CoreError.badRequest("group type cannot be changed") }
            group.kind = kind
        }
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
            guard group.kind == .internal else { throw CoreError.badRequest("member entities can't be set manually for external groups") }
            for id in members where identity.entity(id: id) == nil { throw CoreError.badRequest("entity \"\(id)\" does not exist") }
            group.memberEntityIDs = Array(Set(members)).sorted()
        }
        if let members = try fields.stringList("member_group_ids") {
            guard group.kind == .internal else { throw CoreError.badRequest("member groups can't be set for external groups") }
            for id in members where identity.group(id: id) == nil || id == group.id {
                throw CoreError.badRequest("invalid member group \"\(id)\"")
            }
            group.memberGroupIDs = Array(Set(members)).sorted()
        }
        group.lastUpdateTime = now
        try await identity.save(group)
        if existing != nil { return .noContent }
        return request.answer(["id": .string(group.id), "name": .string(group.name)])
    }

    /// Creates or updates a group alias (`id`: the alias to update). Both `name`
    /// and `mount_accessor` are required each time, as Vault asks. Without a
    /// `canonical_id`, a new alias gets a new external group and an updated one
    /// stays in its group. A group holds one alias: setting another replaces it.
    private func writeGroupAlias(_ request: IdentityCall, id: String?) async throws -> Response {
        let fields = request.fields
        var previous: (group: IdentityGroup, alias: GroupAlias)?
        if let id, !id.isEmpty {
            guard let found = identity.groupAlias(id: id) else { throw CoreError.badRequest("invalid group alias ID") }
            previous = (group: found.0, alias: found.1)
        }
        guard let name = try fields.string("name"), !name.isEmpty else { throw CoreError.badRequest("missing alias name") }
        guard let accessor = try fields.string("mount_accessor"), !accessor.isEmpty else {
            throw CoreError.badRequest("missing mount_accessor")
        }
        let mount = try authMount(accessor: accessor)
        if let holder = identity.group(aliasAccessor: accessor, name: name), holder.alias?.id != previous?.alias.id {
            throw CoreError.badRequest("combination of mount and group alias name is already in use")
        }
        let now = Date()
        var target: IdentityGroup
        if let canonical = try fields.string("canonical_id"), !canonical.isEmpty {
            guard let group = identity.group(id: canonical) else { throw CoreError.badRequest("invalid group ID given in 'canonical_id'") }
            guard group.kind == .external else { throw CoreError.badRequest("alias can't be set on an internal group") }
            target = group
        } else if let previous {
            target = previous.group
        } else {
            let groupID = UUIDs.make()
            target = IdentityGroup(
                id: groupID, name: "group_" + String(groupID.prefix(8)), kind: .external, policies: [], metadata: [:], memberEntityIDs: [],
                memberGroupIDs: [], creationTime: now, lastUpdateTime: now)
        }
        let alias = GroupAlias(
            id: previous?.alias.id ?? UUIDs.make(), mountAccessor: accessor, mountType: mount.type, mountPath: mount.routePath, name: name,
            creationTime: previous?.alias.creationTime ?? now, lastUpdateTime: now)
        // Moved to another group: the group it leaves keeps no alias.
        if var left = previous?.group, left.id != target.id {
            left.alias = nil
            left.lastUpdateTime = now
            try await identity.save(left)
        }
        target.alias = alias
        target.lastUpdateTime = now
        try await identity.save(target)
        return request.answer(["canonical_id": .string(target.id), "id": .string(alias.id)])
    }
}
