import CofferEncoding
import CofferMountKit

extension SystemBackend {
    /// `sys/explain/*` and `sys/lint`: root-protected (sudo) like `sys/audit`, as
    /// they show how every login and policy decides.
    static let explainPaths: [SystemPath] = [
        SystemPath(
            "explain/login",
            fields: [
                FieldSpec("mount", .string, "The auth method's path (jwt, approle); jwt when absent."),
                FieldSpec("remote_address", .string, "The address the login would come from; the caller's when absent."),
                FieldSpec("role", .string, "JWT: the role to log in with."),
                FieldSpec("jwt", .string, "JWT: the token to log in with. Never shown or logged."),
                FieldSpec("role_id", .string, "AppRole: the role ID."),
                FieldSpec("secret_id", .string, "AppRole: the secret ID. Never shown; no use of it is spent."),
            ],
            operations: [.update: { sys, c in try await sys.explainLogin(c.call) }],
            synopsis: "Explains a login: every check it runs, with the expected and actual values. Issues no token, spends nothing.",
            description:
                "Takes the login's own fields (role and jwt, or role_id and secret_id) plus `mount` (default jwt) and, optionally, "
                + "`remote_address`, the address the login would come from. The answer comes from the login's own decision."
        ),
        SystemPath(
            "explain/request",
            fields: [
                FieldSpec("path", .string, "The API path of the request, below /v1/."),
                FieldSpec("operation", .string, "read, list, create, update, delete, patch, or an HTTP method; read when absent."),
                FieldSpec("token", .string, "The token whose policies decide. Never shown."),
                FieldSpec("policies", .list, "The policies that decide, instead of a token's."),
                FieldSpec("data", .map, "The request's body, for parameter constraints."),
                FieldSpec("wrap_ttl", .duration, "The response-wrapping TTL asked for, for wrapping bounds."),
            ],
            operations: [.update: { sys, c in try await sys.explainRequest(c.call) }],
            synopsis: "Explains the ACL's decision on a request: the deciding rule, the rules it outranked, the checks.",
            description:
                "Takes `path`, `operation` (read, list, create, update, delete, patch, or an HTTP method) and either `token` or "
                + "`policies` (the caller's token when neither), plus optional `data` and `wrap_ttl` for parameter constraints."
        ),
        SystemPath(
            "lint", fields: [FieldSpec("ignore", .list, "Check ids to leave out.")],
            operations: [.read: { sys, c in try await sys.lint(c.call) }, .update: { sys, c in try await sys.lint(c.call) }],
            synopsis: "Checks the live configuration against the guide's security advice.",
            description: "Each finding has an id, a severity, the object at fault, why it matters and the command that fixes it."
        ),
    ]

    /// `sys/explain/login`: the auth method's own login decision, run on the
    /// fields given, with nothing minted and nothing spent.
    func explainLogin(_ call: BackendCall) async throws -> Response {
        var data = call.request.data
        let fields = RequestFields(data)
        var name = try fields.string("mount") ?? "jwt"
        if name.hasPrefix("auth/") { name.removeFirst(5) }
        let address = try fields.string("remote_address") ?? call.request.clientAddress
        // Removed, not set to nil: JSONValue takes `nil` as `.null`.
        data.removeValue(forKey: "mount")
        data.removeValue(forKey: "remote_address")
        guard let mount = router.mount(table: .auth, path: name.withTrailingSlash) else {
            throw CoreError.badRequest("no auth method is enabled at auth/\(name.withTrailingSlash)")
        }
        guard case .plugin(let handler) = mount.handler, let method = handler as? any LoginExplaining else {
            throw CoreError.badRequest("the \(mount.entry.type) auth method at \(mount.entry.routePath) cannot explain its logins")
        }
        let request = MountRequest(
            operation: .update, path: "login", fields: RequestFields(data), storage: mount.storage,
            mountPath: mount.entry.routePath, clientAddress: address)
        var explanation = try await method.explainLogin(request)
        // The core refuses a locked-out alias before the method's login runs, so
        // the lockout is the first check, and a lock ends the list there.
        if let standing = try await lockouts.standing(mount.entry, alias: handler.lockoutAlias(request)) {
            explanation = explanation.afterLockout(standing)
        }
        guard case .object(var members) = explanation.json else { throw CoreError(.internal, "internal error") }
        members["mount"] = .string(mount.entry.routePath)
        return .logical(LogicalResponse(requestID: call.request.id, data: .object(members)))
    }

    /// `sys/explain/request`: `ACL.decide` on the request described, for a token
    /// or a list of policies, explained.
    func explainRequest(_ call: BackendCall) async throws -> Response {
        let fields = RequestFields(call.request.data)
        guard var path = try fields.string("path"), !path.isEmpty else { throw CoreError.badRequest("missing path") }
        if path.hasPrefix("/") { path.removeFirst() }
        if path.hasPrefix("v1/") { path.removeFirst(3) }
        // A token's ACL includes its entity's and groups' policies and resolves its templates.
        let acl: ACL
        if let tokenID = try fields.string("token"), !tokenID.isEmpty {
            guard let entry = try await tokens.lookup(tokenID) else { throw CoreError.badRequest("invalid token") }
            acl = policies.acl(for: entry, identity: identity)
        } else if let listed = try fields.stringList("policies"), !listed.isEmpty {
            for name in listed where policies.get(name) == nil {
                throw CoreError.badRequest("policy \"\(name)\" does not exist")
            }
            acl = policies.acl(for: listed)
        } else {
            acl = call.token.map { policies.acl(for: $0, identity: identity) } ?? policies.acl(for: [])
        }
        let parameters = try fields.map("data") ?? [:]
        let operation = (try fields.string("operation") ?? "read").lowercased()
        let capability: Capabilities
        switch operation {
        case "read", "get", "head": capability = .read
        case "list":
            capability = .list
            // The HTTP layer gives every LIST path a trailing slash before the ACL sees it.
            if !path.hasSuffix("/") { path += "/" }
        case "delete": capability = .delete
        case "patch": capability = .patch
        case "create": capability = .create
        case "update": capability = .update
        case "write", "post", "put": capability = try await exists(path, parameters) ? .update : .create
        default:
            throw CoreError.badRequest("unknown operation \"\(operation)\": read, list, create, update, delete, patch, or an HTTP method")
        }
        let question = ACLRequest(path: path, capability: capability, parameters: parameters, wrapTTL: try fields.duration("wrap_ttl"))
        let explanation = RequestExplanation(acl: acl, request: question)
        return .logical(LogicalResponse(requestID: call.request.id, data: explanation.json))
    }

    /// Whether a write to `path` would update (something is there) or create, as
    /// the pipeline asks the mount; core backends always update.
    private func exists(_ path: String, _ parameters: [String: JSONValue]) async throws -> Bool {
        guard let (mount, relative) = router.route(path), case .plugin(let handler) = mount.handler else { return true }
        let request = MountRequest(
            operation: .update, path: relative, fields: RequestFields(parameters), storage: mount.storage,
            mountPath: mount.entry.routePath)
        return try await handler.exists(request) != false
    }
}
