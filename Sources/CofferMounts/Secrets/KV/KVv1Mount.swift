import CofferEncoding
import CofferMountKit
import Foundation

/// KV version 1: one unversioned JSON object per key (spec/vault-api.md §6.2).
struct KVv1Mount: Mount {
    /// The default lease a v1 read reports: the system's 768 h.
    static let defaultLease = TokenSettings.systemTTL

    /// One path: every key of the mount, any data a write carries.
    static let paths = PathTable<KVv1Mount>(
        [
            MountPath(
                "{path...}",
                fields: [FieldSpec.capture("path", "Location of the secret.")],
                operations: [
                    .read: { _, call in try await read(call) },
                    .list: { _, call in try await list(call) },
                    .update: { _, call in try await write(call) },
                    .delete: { _, call in
                        try await call.request.storage.delete(call["path"])
                        return .noContent
                    },
                ],
                exists: { _, call in try await call.request.storage.get(call["path"]) != nil },
                synopsis:
                    "Pass-through secret storage to the storage backend, allowing you to read/write arbitrary data into secret storage.",
                description:
                    "A write stores the request's data under the key as it is; a read returns it, with a \"ttl\" key reported as the lease duration."
            )
        ],
        backendHelp: "An unversioned key-value store: each key holds the JSON object last written to it."
    )

    func handle(_ request: MountRequest) async throws -> MountResponse {
        try await Self.paths.handle(request, owner: self)
    }

    func exists(_ request: MountRequest) async throws -> Bool? {
        try await Self.paths.exists(request, owner: self)
    }

    func help(_ path: String) -> PathHelp? { Self.paths.help(path) }

    private static func read(_ call: PathCall) async throws -> MountResponse {
        guard let stored = try await call.request.storage.getObject(call["path"]) else { throw MountError.notFound }
        var lease = defaultLease
        if let ttl = try? RequestFields(stored).duration("ttl") { lease = ttl }
        return MountResponse(data: stored, leaseDuration: lease)
    }

    private static func list(_ call: PathCall) async throws -> MountResponse {
        let key = call["path"]
        let keys = try await call.request.storage.list(key.isEmpty || key.hasSuffix("/") ? key : key + "/")
        guard !keys.isEmpty else { throw MountError.notFound }
        return MountResponse(data: ["keys": JSONValue(keys)])
    }

    private static func write(_ call: PathCall) async throws -> MountResponse {
        guard !call["path"].isEmpty else { throw MountError.unsupportedOperation }
        try await call.request.storage.putJSON(call["path"], call.fields.raw)
        return .noContent
    }
}
