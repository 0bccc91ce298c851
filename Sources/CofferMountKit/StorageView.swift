import CofferEncoding
import Foundation

/// Plaintext key/value storage as the core offers it (the barrier, behind it).
package protocol LogicalStorage: Sendable {
    func get(_ key: String) async throws -> Data?
    func put(_ key: String, _ value: Data) async throws
    func delete(_ key: String) async throws
    /// The direct children of `prefix`; folders end in `/`. Sorted.
    func list(prefix: String) async throws -> [String]
    /// Deletes every key that starts with `prefix`.
    func delete(prefix: String) async throws
    /// Applies several writes atomically: all or none.
    func apply(_ writes: [StorageWrite]) async throws
}

/// One write of an atomic batch.
package enum StorageWrite: Sendable, Equatable {
    case put(String, Data)
    case delete(String)
}

/// A prefix-scoped window on logical storage: a mount can name no key outside it.
package struct StorageView: Sendable {
    private let storage: any LogicalStorage
    package let prefix: String

    package init(storage: any LogicalStorage, prefix: String) {
        self.storage = storage
        self.prefix = prefix
    }

    package func get(_ key: String) async throws -> Data? {
        try await storage.get(try scoped(key))
    }

    package func put(_ key: String, _ value: Data) async throws {
        try await storage.put(try scoped(key), value)
    }

    package func delete(_ key: String) async throws {
        try await storage.delete(try scoped(key))
    }

    package func list(_ key: String) async throws -> [String] {
        try await storage.list(prefix: try scoped(key))
    }

    package func deleteAll(under key: String = "") async throws {
        try await storage.delete(prefix: try scoped(key))
    }

    package func apply(_ writes: [StorageWrite]) async throws {
        try await storage.apply(
            writes.map { write in
                switch write {
                case .put(let key, let value): return .put(try scoped(key), value)
                case .delete(let key): return .delete(try scoped(key))
                }
            })
    }

    /// Refuses `..` segments, so a crafted path cannot climb out of the view.
    private func scoped(_ key: String) throws -> String {
        if key.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            throw MountError.badRequest("invalid path: '..' is not allowed")
        }
        return prefix + key
    }
}

extension StorageView {
    package func getJSON<T: Decodable>(_ type: T.Type, _ key: String) async throws -> T? {
        guard let data = try await get(key) else { return nil }
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// A stored JSON object, read with the fast parser (secret data on hot paths).
    package func getObject(_ key: String) async throws -> [String: JSONValue]? {
        guard let data = try await get(key) else { return nil }
        guard case .object(let members) = try JSONValue.parse(data) else { throw MountError.internal("stored value is not an object") }
        return members
    }

    package func putJSON<T: Encodable>(_ key: String, _ value: T) async throws {
        try await put(key, try JSONEncoder().encode(value))
    }
}
