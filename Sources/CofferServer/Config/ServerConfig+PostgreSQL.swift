import CofferHCL
import CofferStorage
import Foundation

extension ServerConfig {
    /// `storage "postgresql" { connection_url = "...", table = "...", ... }` with
    /// OpenBao's keys. `COFFER_PG_CONNECTION_URL` overrides `connection_url`, so the
    /// password need not sit in the file.
    static func postgreSQLSettings(
        _ block: HCLBlock, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> PostgreSQLSettings {
        let body = block.body
        let fileURL = try body.string("connection_url")
        guard let urlText = environment["COFFER_PG_CONNECTION_URL"] ?? fileURL, !urlText.isEmpty else {
            throw ConfigError("\(block.position): storage \"postgresql\" needs connection_url (or COFFER_PG_CONNECTION_URL)")
        }
        let url: PostgreSQLConnectionURL
        do {
            url = try PostgreSQLConnectionURL(parsing: urlText)
        } catch let error as StorageError {
            throw ConfigError("\(block.position): storage \"postgresql\": \(error.message)")
        }
        var settings = PostgreSQLSettings(connection: url)
        settings.table = try tableName("table", in: block) ?? settings.table
        settings.haTable = try tableName("ha_table", in: block) ?? settings.haTable
        // OpenBao turns HA on only for the string "true".
        settings.haEnabled = try body.string("ha_enabled") == "true"
        if let parallel = try body.int("max_parallel") {
            guard (1...1024).contains(parallel) else {
                throw ConfigError("\(block.position): storage \"postgresql\": max_parallel must be 1 to 1024")
            }
            settings.maxParallel = Int(parallel)
        }
        settings.skipCreateTable = try body.bool("skip_create_table") ?? false
        return settings
    }

    private static func tableName(_ key: String, in block: HCLBlock) throws -> String? {
        guard let name = try block.body.string(key) else { return nil }
        guard PostgreSQLIdentifier.isPlain(name) else {
            throw ConfigError(
                "\(block.position): storage \"postgresql\": \(key) \"\(name)\" must be a plain SQL name (letters, digits, _; optionally schema.name)"
            )
        }
        return name
    }
}
