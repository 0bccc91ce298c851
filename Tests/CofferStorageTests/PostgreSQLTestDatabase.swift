import CofferStorage
import Foundation
import Testing

/// The PostgreSQL cluster the test command starts (`scripts/pg-test-cluster`),
/// found through `COFFER_TEST_PG_URL`. Each storage gets a table of its own.
enum PostgreSQLTestDatabase {
    static var url: String? { ProcessInfo.processInfo.environment["COFFER_TEST_PG_URL"] }

    /// In CI the cluster must be there: a missing one fails the PostgreSQL cases
    /// instead of silently dropping them.
    static var isConfigured: Bool {
        url != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    static func settings(table: String = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()) throws
        -> PostgreSQLSettings
    {
        guard let url else {
            throw StorageError(.unavailable, "COFFER_TEST_PG_URL is not set: run the tests through ./scripts/test, which starts PostgreSQL")
        }
        var settings = PostgreSQLSettings(connection: try PostgreSQLConnectionURL(parsing: url))
        settings.table = table
        settings.maxParallel = 8
        return settings
    }

    static func freshStorage() async throws -> PostgreSQLStorage {
        try await PostgreSQLStorage.open(try settings())
    }
}
