import CofferMountKit
import Foundation

/// The `auth/token/` backend: the caller's own token, for now `lookup-self`.
struct TokenBackend: CoreBackend {
    let tokens: TokenStore

    func isUnauthenticated(_ relativePath: String, _ operation: Request.Operation) -> Bool { false }

    func handle(_ call: BackendCall) async throws -> Response {
        switch (call.relativePath, call.request.operation) {
        case ("lookup-self", .read):
            guard let token = call.token, let id = call.request.token else { throw CoreError.permissionDenied }
            return .logical(LogicalResponse(requestID: call.request.id, data: Self.lookupData(token, id: id, now: Date())))
        case ("lookup-self", _):
            throw CoreError.unsupportedOperation
        default:
            throw CoreError.unsupportedPath
        }
    }

    /// The lookup field set of spec/vault-api.md §5.3.
    static func lookupData(_ token: TokenEntry, id: String, now: Date) -> JSONValue {
        var data: [String: JSONValue] = [
            "accessor": .string(token.accessor),
            "creation_time": .int(Int64(token.creationTime.timeIntervalSince1970)),
            "creation_ttl": .int(token.ttl),
            "display_name": .string(token.displayName),
            "entity_id": "",
            "expire_time": token.expireTime.map { .string(Timestamps.rfc3339($0)) } ?? .null,
            "explicit_max_ttl": .int(token.explicitMaxTTL),
            "id": .string(id),
            "meta": token.meta.map { .object($0.mapValues { .string($0) }) } ?? .null,
            "num_uses": JSONValue(token.numUses),
            "orphan": .bool(token.parentHash == nil),
            "path": .string(token.path),
            "policies": JSONValue(token.policies),
            "ttl": .int(token.expireTime.map { max(0, Int64($0.timeIntervalSince(now))) } ?? 0),
            "type": .string(token.type),
        ]
        if token.ttl > 0 {
            data["issue_time"] = .string(Timestamps.rfc3339(token.creationTime))
            data["renewable"] = .bool(token.renewable)
        }
        return .object(data)
    }
}
