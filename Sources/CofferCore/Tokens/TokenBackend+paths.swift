import CofferEncoding
import CofferMountKit

/// A request to `auth/token/` from an authenticated caller.
struct TokenCall: Sendable {
    let call: BackendCall
    let caller: TokenEntry
    let fields: RequestFields
}

extension TokenBackend {
    /// The routes of `auth/token/` (spec/vault-api.md §5), each a write unless noted.
    static let paths = RouteTable<TokenBackend, TokenCall, Response>(
        [
            route("create", "Creates a token, a child of the caller's unless no_parent is set.") { backend, c in
                try await backend.create(c.call, caller: c.caller, orphan: try c.fields.bool("no_parent") ?? false)
            },
            route("create-orphan", "Creates a token with no parent.") { backend, c in
                try await backend.create(c.call, caller: c.caller, orphan: true)
            },
            route("lookup-self", "Describes the caller's token.", operation: .read) { backend, c in
                try backend.lookupAnswer(c.call, c.caller, id: c.call.request.token ?? "")
            },
            route("lookup", "Describes a token.") { backend, c in
                guard let id = try c.fields.string("token"), let entry = try await backend.tokens.lookup(id) else {
                    throw CoreError(.forbidden, "bad token")
                }
                return try backend.lookupAnswer(c.call, entry, id: id)
            },
            route("lookup-accessor", "Describes the token with an accessor.") { backend, c in
                guard let accessor = try c.fields.string("accessor"), let entry = try await backend.tokens.lookup(accessor: accessor) else {
                    throw CoreError.badRequest("1 error occurred:\\n\\t* invalid accessor\\n\\n")
                }
                return try backend.lookupAnswer(c.call, entry, id: "")
            },
            route("renew-self", "Renews the caller's token.") { backend, c in
                try await backend.renew(c.call, c.caller, id: c.call.request.token ?? "", c.fields)
            },
            route("renew", "Renews a token.") { backend, c in
                guard let id = try c.fields.string("token"), let entry = try await backend.tokens.lookup(id) else {
                    throw CoreError.badRequest("invalid token")
                }
                return try await backend.renew(c.call, entry, id: id, c.fields)
            },
            route("renew-accessor", "Renews the token with an accessor.") { backend, c in
                guard let accessor = try c.fields.string("accessor"), let entry = try await backend.tokens.lookup(accessor: accessor) else {
                    throw CoreError.badRequest("invalid accessor")
                }
                return try await backend.renew(c.call, entry, id: "", c.fields)
            },
            route("revoke-self", "Revokes the caller's token and its children.") { backend, c in
                try Self.checkRevocable(c.caller)
                try await backend.tokens.revoke(hash: c.caller.hash)
                return .noContent
            },
            route("revoke", "Revokes a token and its children.") { backend, c in
                if let id = try c.fields.string("token"), let entry = try await backend.tokens.lookup(id) {
                    try Self.checkRevocable(entry)
                    try await backend.tokens.revoke(hash: entry.hash)
                }
                return .noContent
            },
            route("revoke-orphan", "Revokes a token, leaving its children as orphans.") { backend, c in
                if let id = try c.fields.string("token"), let entry = try await backend.tokens.lookup(id) {
                    try Self.checkRevocable(entry)
                    try await backend.tokens.revokeOrphan(hash: entry.hash)
                }
                return .noContent
            },
            route("revoke-accessor", "Revokes the token with an accessor, and its children.") { backend, c in
                guard let accessor = try c.fields.string("accessor"), let entry = try await backend.tokens.lookup(accessor: accessor) else {
                    var response = LogicalResponse(requestID: c.call.request.id)
                    response.warnings = ["No token found with this accessor"]
                    return .logical(response)
                }
                try await backend.tokens.revoke(hash: entry.hash)
                return .noContent
            },
            route("accessors", "Lists the accessors of every token.", operation: .list) { backend, c in
                .logical(LogicalResponse(requestID: c.call.request.id, data: ["keys": JSONValue(try await backend.tokens.accessors())]))
            },
        ],
        backendHelp:
            "The token store: creates, describes, renews and revokes tokens. It is built into Coffer and always mounted at auth/token/."
    )

    /// A batch token is not stored, so there is nothing to revoke: it ends at its
    /// expiry or with its parent (Vault refuses the same way).
    private static func checkRevocable(_ entry: TokenEntry) throws {
        if entry.isBatch { throw CoreError.badRequest("batch tokens cannot be revoked") }
    }

    private static func route(
        _ pattern: String, _ synopsis: String, operation: MountOperation = .update,
        _ handler: @escaping Route<TokenBackend, TokenCall, Response>.Handler
    ) -> Route<TokenBackend, TokenCall, Response> {
        Route(pattern, operations: [operation: handler], synopsis: synopsis)
    }
}
