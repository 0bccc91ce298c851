/// Where a request went, as the metrics may name it: the mount it was routed to
/// and what it did there, never the path below the mount (a KV path names a
/// secret) and never a token.
package struct RouteLabel: Hashable, Sendable {
    /// What the request did: the operation, or `login` for a login.
    package enum Action: String, Sendable {
        case read, list, write, delete, patch, login
    }

    /// The mount's route path (`secret/`, `auth/jwt/`), or `none` when the request
    /// reached no mount (sealed, no route).
    package var mount: String
    /// The mount's type (`kv`, `jwt`, `system`), or `none`.
    package var mountType: String
    package var isAuth: Bool
    package var action: Action

    package init(mount: String, mountType: String, isAuth: Bool, action: Action) {
        self.mount = mount
        self.mountType = mountType
        self.isAuth = isAuth
        self.action = action
    }

    /// A request that reached no mount.
    package static func unrouted(_ operation: Request.Operation) -> RouteLabel {
        RouteLabel(mount: "none", mountType: "none", isAuth: false, action: Action(operation))
    }

    /// The route family: `auth/jwt login`, `kv read`, `sys write`.
    package var family: String {
        let type = mountType == "system" ? "sys" : mountType
        return (isAuth ? "auth/" + type : type) + " " + action.rawValue
    }
}

extension RouteLabel.Action {
    init(_ operation: Request.Operation) {
        switch operation {
        case .read: self = .read
        case .list: self = .list
        case .write: self = .write
        case .delete: self = .delete
        case .patch: self = .patch
        }
    }
}

/// How a request ended, in a handful of values (never the error's message).
package enum RequestOutcome: String, Sendable {
    case ok
    case badRequest = "bad_request"
    case permissionDenied = "permission_denied"
    case forbidden
    case notFound = "not_found"
    case unsupported
    case sealed
    case unavailable
    case `internal`
    case error

    package init(_ response: Response) {
        switch response {
        case .logical(let logical): self = logical.isNotFound ? .notFound : .ok
        case .noContent, .accepted: self = .ok
        case .raw(let status, _), .text(let status, _, _): self = status < 400 ? .ok : .error
        case .error(let error): self = RequestOutcome(error.code)
        }
    }

    init(_ code: CoreError.Code) {
        switch code {
        case .badRequest, .unsupportedMediaType: self = .badRequest
        case .permissionDenied: self = .permissionDenied
        case .forbidden: self = .forbidden
        case .notFound, .unsupportedPath: self = .notFound
        case .unsupportedOperation, .methodNotAllowed: self = .unsupported
        case .sealed, .notInitialized: self = .sealed
        case .unavailable: self = .unavailable
        case .internal: self = .internal
        }
    }
}
