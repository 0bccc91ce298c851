/// A mount's paths in the order they are tried: routing, field checks, the
/// "unsupported operation" answer, login paths and `path-help` all come from it.
package struct RouteTable<Owner: Sendable, Call: Sendable, Answer: Sendable>: Sendable {
    package typealias Path = Route<Owner, Call, Answer>

    package let paths: [Path]
    /// What the mount is, for help on a path no route matches.
    package let backendHelp: String
    /// The login paths, computed once: the pipeline asks on every request.
    package let unauthenticatedPatterns: [PathPattern]

    package init(_ paths: [Path], backendHelp: String) {
        self.paths = paths
        self.backendHelp = backendHelp
        self.unauthenticatedPatterns = paths.filter(\.isUnauthenticated).map(\.pattern)
    }

    /// The first path whose pattern matches, with its captures. The path is cut
    /// at its slashes once, not once per pattern tried.
    package func match(_ path: String) -> (path: Path, captures: [String: String])? {
        let parts = PathPattern.parts(of: path)
        for entry in paths {
            if let captures = entry.pattern.match(parts: parts) { return (entry, captures) }
        }
        return nil
    }

    /// The handler for `operation` on `path`, with the captures, once the fields
    /// the path declares have been checked; nil when no route matches. A route
    /// with no handler for the operation is an unsupported operation. Every table
    /// (mounts, sys/, auth/token/) dispatches through this one function.
    package func resolve(
        _ path: String, _ operation: MountOperation, fields: RequestFields
    ) throws -> (handler: Path.Handler, captures: [String: String])? {
        guard let (route, captures) = match(path) else { return nil }
        guard let handler = route.handler(for: operation) else { throw MountError.unsupportedOperation }
        try route.validate(fields)
        return (handler, captures)
    }

    /// The help for `path`: its route's, or the mount's with every route listed.
    package func help(_ path: String) -> PathHelp {
        guard let (entry, _) = match(path) else {
            return PathHelp(
                requestPath: path, pattern: nil, synopsis: "<no synopsis>", fields: [], description: backendHelp,
                routes: paths.map { ($0.pattern.routeExpression, $0.synopsis) }
            )
        }
        return PathHelp(
            requestPath: path, pattern: entry.pattern, synopsis: entry.synopsis, fields: entry.fields,
            description: entry.description, operations: MountOperation.allCases.filter { entry.handler(for: $0) != nil }
        )
    }
}

/// A mount's table: handlers take a `PathCall` and answer a `MountResponse`.
package typealias PathTable<Owner: Sendable> = RouteTable<Owner, PathCall, MountResponse>

extension RouteTable where Call == PathCall, Answer == MountResponse {
    /// Routes `request` to its path's handler for the operation, after checking the
    /// fields the path declares. `unmatched` answers a path no route matches.
    package func handle(
        _ request: MountRequest, owner: Owner,
        unmatched: () throws -> MountResponse = { throw MountError.unsupportedPath }
    ) async throws -> MountResponse {
        guard let (handler, captures) = try resolve(request.path, request.operation, fields: request.fields) else {
            return try unmatched()
        }
        return try await handler(owner, PathCall(request, captures: captures))
    }

    /// Whether something exists at the request's path; nil when its path does not say.
    package func exists(_ request: MountRequest, owner: Owner) async throws -> Bool? {
        guard let (path, captures) = match(request.path), let check = path.exists else { return nil }
        return try await check(owner, PathCall(request, captures: captures))
    }
}
