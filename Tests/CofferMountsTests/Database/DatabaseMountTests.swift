import CofferEncoding
import CofferMountKit
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import CofferMounts

/// The database mount through MountKit alone, on the PostgreSQL cluster the test
/// command starts (`COFFER_TEST_PG_URL`); in CI a missing cluster fails here.
@Suite(
    .enabled(if: ProcessInfo.processInfo.environment["COFFER_TEST_PG_URL"] != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
struct DatabaseMountTests {
    let view = StorageView(storage: PlainStorage(), prefix: "logical/db/")

    func request(_ operation: MountOperation, _ path: String, _ data: [String: JSONValue] = [:]) -> MountRequest {
        MountRequest(
            operation: operation, path: path, fields: RequestFields(data), storage: view, mountPath: "database/", displayName: "token")
    }

    /// The cluster's URL with its user and password moved out into templates.
    static func cluster() throws -> (url: String, username: String, password: String, components: URLComponents) {
        let text = try #require(ProcessInfo.processInfo.environment["COFFER_TEST_PG_URL"])
        var components = try #require(URLComponents(string: text))
        let username = try #require(components.user), password = try #require(components.password)
        components.user = nil
        components.password = nil
        let url = (components.string ?? "").replacingOccurrences(of: "://", with: "://{{username}}:{{password}}@")
        return (url, username, password, components)
    }

    /// Whether a role of that name exists, asked as the cluster's superuser.
    static func roleExists(_ name: String) async throws -> Bool {
        let cluster = try cluster()
        let settings = try PostgreSQLConnectionSettings([
            "connection_url": .string(cluster.url), "username": .string(cluster.username), "password": .string(cluster.password),
        ])
        let connection = try await PostgresConnection.connect(
            configuration: try settings.connectionConfiguration(), id: 1, logger: Logger(label: "test"))
        defer { Task { try? await connection.close() } }
        var found = false
        for try await count in try await connection.query(
            "SELECT count(*) FROM pg_roles WHERE rolname = \(name)", logger: Logger(label: "test")
        )
        .decode(Int64.self) {
            found = count == 1
        }
        return found
    }

    @Test("a credential is a real user, and its lease alone drops it, even after its role is deleted")
    func credentialLifecycle() async throws {
        let cluster = try Self.cluster()
        let mount = DatabaseMount(storage: view, rotatesStaticRoles: false)
        let written = try await mount.handle(
            request(
                .create, "config/pg",
                [
                    "plugin_name": "postgresql-database-plugin", "connection_url": .string(cluster.url),
                    "username": .string(cluster.username), "password": .string(cluster.password), "allowed_roles": ["ci"],
                ]))
        #expect(written.warnings.isEmpty)
        let config = try await mount.handle(request(.read, "config/pg"))
        #expect(config.data?["connection_details"]?.objectValue?["password"] == nil)

        _ = try await mount.handle(
            request(
                .create, "roles/ci",
                [
                    "db_name": "pg", "default_ttl": "90s",
                    "creation_statements": ["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"],
                ]))
        let creds = try await mount.handle(request(.read, "creds/ci"))
        let lease = try #require(creds.lease)
        let username = try #require(creds.data?["username"]?.stringValue)
        #expect(lease.ttl == 90 && lease.renewable && lease.internalData["username"]?.stringValue == username)
        #expect(username.hasPrefix("v-token-ci-") && username.count <= 63)
        #expect(try await Self.roleExists(username))

        _ = try await mount.handle(request(.delete, "roles/ci"))
        try await mount.revoke(lease, storage: view)
        #expect(try await !Self.roleExists(username))
    }

    @Test("a config that cannot log in is refused with the database's reason and not stored")
    func refusedConfig() async throws {
        let cluster = try Self.cluster()
        let mount = DatabaseMount(storage: view, rotatesStaticRoles: false)
        await #expect(throws: MountError.self) {
            try await mount.handle(
                request(
                    .create, "config/bad",
                    [
                        "plugin_name": "postgresql-database-plugin", "connection_url": .string(cluster.url),
                        "username": .string(cluster.username), "password": "not-the-password",
                    ]))
        }
        await #expect(throws: MountError.notFound) { try await mount.handle(request(.read, "config/bad")) }
    }
}
