import Foundation
import Synchronization

/// Storage in a dictionary, for `server -dev` and tests; gone with the process.
package final class MemoryStorage: PhysicalStorage {
    private let entries = Mutex<[String: Data]>([:])

    package init() {}

    package var typeName: String { "inmem" }

    package func get(_ key: String) async throws -> Data? {
        entries.withLock { $0[key] }
    }

    package func put(_ key: String, _ value: Data) async throws {
        entries.withLock { $0[key] = value }
    }

    package func delete(_ key: String) async throws {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    package func list(prefix: String) async throws -> [String] {
        let keys = entries.withLock { Array($0.keys) }
        return directChildren(of: keys, under: prefix)
    }

    package func delete(prefix: String) async throws {
        entries.withLock { table in
            for key in table.keys where key.hasPrefix(prefix) { table.removeValue(forKey: key) }
        }
    }

    package func apply(_ writes: [PhysicalWrite]) async throws {
        entries.withLock { table in
            for write in writes {
                switch write {
                case .put(let key, let value): table[key] = value
                case .delete(let key): table.removeValue(forKey: key)
                }
            }
        }
    }
}
