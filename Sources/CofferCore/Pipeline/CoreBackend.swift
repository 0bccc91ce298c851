import CofferMountKit

/// A backend that is part of the core (sys/, auth/token/): it sees the whole request.
package protocol CoreBackend: Sendable {
    func handle(_ call: BackendCall) async throws -> Response
    /// Whether this relative path needs no token (`sys/health`, logins).
    func isUnauthenticated(_ relativePath: String, _ operation: Request.Operation) -> Bool
    /// Whether this path runs its own authorization instead of the path ACL
    /// (the KV preflight checks access under the mount it names).
    func authorizesItself(_ relativePath: String) -> Bool
    /// What `GET <path>?help=1` shows; nil when the backend has no table.
    func help(_ relativePath: String) -> PathHelp?
}

extension CoreBackend {
    package func authorizesItself(_ relativePath: String) -> Bool { false }
    package func help(_ relativePath: String) -> PathHelp? { nil }
}

/// One request as a core backend sees it.
package struct BackendCall: Sendable {
    package var request: Request
    /// The path below the mount (`mounts/secret` for `sys/mounts/secret`).
    package var relativePath: String
    package var mount: MountEntry
    package var storage: StorageView
    /// The caller's token, when the path needed one.
    package var token: TokenEntry?
}

/// Answers every path with 404 "unsupported path": the mount table shows `identity/`,
/// as OpenBao's does, but Coffer serves nothing below it.
struct UnsupportedBackend: CoreBackend {
    package func handle(_ call: BackendCall) async throws -> Response { .error(.unsupportedPath) }
    package func isUnauthenticated(_ relativePath: String, _ operation: Request.Operation) -> Bool { false }
}
