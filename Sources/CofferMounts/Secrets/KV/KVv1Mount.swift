import CofferMountKit
import Foundation

/// KV version 1: one unversioned JSON object per key (spec/vault-api.md §6.2).
struct KVv1Mount: Mount {
    /// The default lease a v1 read reports: the system's 768 h.
    static let defaultLease: Int64 = 2_764_800

    func handle(_ request: MountRequest) async throws -> MountResponse {
        let key = request.path
        switch request.operation {
        case .read:
            guard let stored = try await request.storage.getObject(key) else {
                throw MountError.notFound
            }
            var lease = Self.defaultLease
            if let ttl = try? RequestFields(stored).duration("ttl") { lease = ttl }
            return MountResponse(data: stored, leaseDuration: lease)
        case .list:
            let keys = try await request.storage.list(key.isEmpty || key.hasSuffix("/") ? key : key + "/")
            guard !keys.isEmpty else { throw MountError.notFound }
            return MountResponse(data: ["keys": JSONValue(keys)])
        case .create, .update:
            guard !key.isEmpty else { throw MountError.unsupportedOperation }
            try await request.storage.putJSON(key, request.fields.raw)
            return .noContent
        case .delete:
            try await request.storage.delete(key)
            return .noContent
        case .patch:
            throw MountError.unsupportedOperation
        }
    }

    func exists(_ request: MountRequest) async throws -> Bool? {
        try await request.storage.get(request.path) != nil
    }
}
