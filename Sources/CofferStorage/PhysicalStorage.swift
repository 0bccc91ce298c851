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
    /// Drops whatever this node remembers of the backend (`CachedStorage`):
    /// called when it becomes the active node, as others may have written since.
    func forgetCached()
}

extension PhysicalStorage {
    package func forgetCached() {}
}

/// One write of an atomic batch.
package enum PhysicalWrite: Sendable, Equatable {
    case put(String, Data)
    case delete(String)
}

/// Folds full keys under `prefix` into the direct children that `list` returns.
///
/// Works on UTF-8 bytes: with `String` (canonical equivalence), two children that
/// differ only in Unicode normalisation folded into one, and `hasPrefix` missed keys
/// whose first character after the prefix combines with it.
package func directChildren(of keys: some Sequence<String>, under prefix: String) -> [String] {
    var children = Set<[UInt8]>()
    let slash = UInt8(ascii: "/")
    for key in keys where key.utf8.starts(with: prefix.utf8) {
        let rest = Array(key.utf8.dropFirst(prefix.utf8.count))
        if let end = rest.firstIndex(of: slash) {
            children.insert(Array(rest[...end]))
        } else if !rest.isEmpty {
            children.insert(rest)
        }
    }
    return children.sorted { $0.lexicographicallyPrecedes($1) }.map { String(decoding: $0, as: UTF8.self) }
}
