/// The `storage "postgresql" { ... }` block, with OpenBao's keys.
package struct PostgreSQLSettings: Sendable, Equatable {
    package var connection: PostgreSQLConnectionURL
    package var table = "coffer_kv_store"
    package var haTable = "coffer_ha_locks"
    /// Only the string `"true"` turns it on, as in OpenBao.
    package var haEnabled = false
    /// Connections in the pool, at most.
    package var maxParallel = 64
    /// For databases where Coffer's user may not create tables: they must exist.
    package var skipCreateTable = false

    package init(connection: PostgreSQLConnectionURL) {
        self.connection = connection
    }
}

/// SQL identifiers Coffer writes into statements: a table name from the
/// configuration is checked and quoted, never pasted (OpenBao's CVE-2026-39946
/// was an unquoted name).
package enum PostgreSQLIdentifier {
    /// Whether `name` is a table name Coffer accepts (see `quoted`).
    package static func isPlain(_ name: String) -> Bool { quoted(name) != nil }

    /// `name` or `schema.name`, each part quoted; nil when a part is not a plain
    /// identifier of at most 63 bytes (PostgreSQL's limit).
    static func quoted(_ name: String) -> String? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        var quoted: [String] = []
        for part in parts {
            guard let first = part.utf8.first, (1...63).contains(part.utf8.count),
                isLetterOrUnderscore(first), part.utf8.allSatisfy({ isLetterOrUnderscore($0) || (48...57).contains($0) })
            else { return nil }
            quoted.append("\"" + part + "\"")
        }
        return quoted.joined(separator: ".")
    }

    /// A name derived from a table for its index (`coffer_kv_store_parent_path_idx`),
    /// quoted; the table part is cut so the whole stays within 63 bytes.
    static func derived(from table: String, suffix: String) -> String {
        let base = String(table.split(separator: ".").last ?? "t").prefix(63 - suffix.utf8.count)
        return "\"" + base + suffix + "\""
    }

    private static func isLetterOrUnderscore(_ byte: UInt8) -> Bool {
        (65...90).contains(byte) || (97...122).contains(byte) || byte == 95
    }
}
