import Foundation

/// Storage of keys and bytes, with no knowledge of what the bytes mean.
///
/// Everything above the barrier is ciphertext here. A backend must make each call
/// durable before it returns: an acknowledged write survives a crash.
package protocol PhysicalStorage: Sendable {
    /// The name `sys/seal-status` reports as `storage_type` (`inmem`, `sqlite`).
    var typeName: String { get }

    func get(_ key: String) async throws -> Data?
    func put(_ key: String, _ value: Data) async throws
    func delete(_ key: String) async throws
    /// The direct children of `prefix`, sorted; a child with keys below it ends in `/`.
    func list(prefix: String) async throws -> [String]
    /// Deletes every key that starts with `prefix`.
    func delete(prefix: String) async throws
    /// Applies all the writes or none of them.
    func apply(_ writes: [PhysicalWrite]) async throws
}

/// One write of an atomic batch.
package enum PhysicalWrite: Sendable, Equatable {
    case put(String, Data)
    case delete(String)
}

/// Folds full keys under `prefix` into the direct children that `list` returns.
package func directChildren(of keys: some Sequence<String>, under prefix: String) -> [String] {
    var children = Set<String>()
    for key in keys where key.hasPrefix(prefix) {
        let rest = key.dropFirst(prefix.count)
        if let slash = rest.firstIndex(of: "/") {
            children.insert(String(rest[...slash]))
        } else if !rest.isEmpty {
            children.insert(String(rest))
        }
    }
    return children.sorted()
}
