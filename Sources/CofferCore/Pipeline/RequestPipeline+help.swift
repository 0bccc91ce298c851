import CofferMountKit

extension RequestPipeline {
    /// `GET <path>?help=1`: the route's help from the mount's path table. Any valid
    /// token may ask (no ACL check, as in OpenBao); login paths need none.
    func answerHelp(_ request: Request, mount: RoutedMount, relativePath: String, record: AuditRecord) async throws -> Response {
        try await audit.record(record, .request)
        return try await answered(record) {
            let help: PathHelp
            switch mount.handler {
            case .plugin(let handler):
                help = handler.help(relativePath) ?? Self.mountHelp(relativePath, Self.noTableHelp)
            case .core(let backend):
                help = backend.help(relativePath) ?? Self.mountHelp(relativePath, Self.coreHelp)
            }
            return .raw(
                status: 200,
                body: [
                    ("help", .string(help.text)),
                    ("openapi", help.openAPI(version: CofferVersion.vaultVersion, mountPath: mount.entry.routePath)),
                    ("see_also", .null),
                ])
        }
    }

    private static func mountHelp(_ path: String, _ description: String) -> PathHelp {
        PathHelp(requestPath: path, pattern: nil, synopsis: "<no synopsis>", fields: [], description: description)
    }

    private static let coreHelp =
        "Served by Coffer's core (sys/, auth/token/, cubbyhole/): see the Vault HTTP API documentation for this path."
    private static let noTableHelp = "This mount does not describe its paths."
}
