import CofferEncoding
import CofferMountKit
import Foundation

/// A request to `identity/`: the call and its decoded body.
struct IdentityCall: Sendable {
    let call: BackendCall
    let fields: RequestFields
    let captures: [String: String]

    var id: String { captures["id"] ?? "" }
    var name: String { captures["name"] ?? "" }

    /// The same request with one more body field.
    func with(_ field: String, _ value: JSONValue) -> IdentityCall {
        IdentityCall(call: call, fields: RequestFields(call.request.data.merging([field: value]) { _, added in added }), captures: captures)
    }

    /// A logical answer to this request.
    func answer(_ data: JSONValue) -> Response {
        .logical(LogicalResponse(requestID: call.request.id, data: data))
    }
}

/// `identity/`: the entities, entity aliases, groups and group aliases of the
/// identity store, in Vault's shapes, for `bao read identity/entity/id/<id>`
/// and hvac's `secrets.identity.*`. A file per path family:
/// `+entities` and `+groups`; `+json` the shapes they answer with.
struct IdentityBackend: CoreBackend {
    let identity: IdentityStore
    /// Where aliases' mount accessors are checked, and their type and path found.
    let router: MountRouter

    func isUnauthenticated(_ relativePath: String, _ operation: Request.Operation) -> Bool { false }

    func handle(_ call: BackendCall) async throws -> Response {
        let fields = RequestFields(call.request.data)
        let operation = call.request.operation.routeOperation
        guard let (handler, captures) = try Self.paths.resolve(call.relativePath, operation, fields: fields) else {
            throw CoreError.unsupportedPath
        }
        let request = IdentityCall(call: call, fields: fields, captures: captures)
        // A write reads what it changes first: writes take turns, so that two at
        // once (or a write and a login) cannot each drop the other's change.
        guard operation == .update || operation == .delete else { return try await handler(self, request) }
        return try await identity.turns.run { try await handler(self, request) }
    }

    func help(_ relativePath: String) -> PathHelp? { Self.paths.help(relativePath) }

    static let paths = RouteTable<IdentityBackend, IdentityCall, Response>(
        entityRoutes + groupRoutes,
        backendHelp: "The identity store: entities and their aliases, groups and their aliases. Built in and always mounted at identity/."
    )

    /// The auth mount with this accessor: Vault's check for an alias's `mount_accessor`.
    func authMount(accessor: String) throws -> MountEntry {
        guard let mount = router.all.first(where: { $0.entry.accessor == accessor && $0.entry.table == .auth }) else {
            throw CoreError.badRequest("invalid mount accessor \"\(accessor)\"")
        }
        return mount.entry
    }

    /// `LIST`: the keys, with `key_info` when there is any; 404 when there are none.
    func keys(_ request: IdentityCall, _ keys: [String], info: (String) -> JSONValue?) -> Response {
        guard !keys.isEmpty else { return .error(CoreError(.notFound, [String]())) }
        var data: [String: JSONValue] = ["keys": JSONValue(keys)]
        let details = keys.reduce(into: [String: JSONValue]()) { result, key in info(key).map { result[key] = $0 } }
        if !details.isEmpty { data["key_info"] = .object(details) }
        return request.answer(.object(data))
    }

    /// A read's answer, or 404 with no message (Vault's empty `errors`).
    func found(_ request: IdentityCall, _ data: JSONValue?) -> Response {
        guard let data else { return .error(CoreError(.notFound, [String]())) }
        return request.answer(data)
    }

    static func strings(_ metadata: [String: JSONValue]) throws -> [String: String] {
        var strings: [String: String] = [:]
        for (key, value) in metadata {
            guard let text = value.stringValue else { throw CoreError.badRequest("metadata values must be strings") }
            strings[key] = text
        }
        return strings
    }

    static func route(
        _ pattern: String, _ synopsis: String, _ operations: [MountOperation: Route<IdentityBackend, IdentityCall, Response>.Handler]
    ) -> Route<IdentityBackend, IdentityCall, Response> {
        Route(pattern, operations: operations, synopsis: synopsis)
    }
}
