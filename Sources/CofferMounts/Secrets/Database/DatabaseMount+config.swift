import CofferEncoding
import CofferMountKit
import Foundation

extension DatabaseMount {
    static let literalPasswordWarning =
        "Password found in connection_url, use a templated url to enable root rotation and prevent read access to password information."

    func readConfig(_ name: String) async throws -> MountResponse {
        guard let config = try await loadConfig(name) else { throw MountError.notFound }
        return MountResponse(data: config.json)
    }

    /// Creates or updates a connection. The plugin checks the details (and, with
    /// `verify_connection`, connects) before anything is stored, so a refused
    /// write changes nothing.
    func writeConfig(_ request: MountRequest, _ name: String) async throws -> MountResponse {
        let fields = request.fields
        let existing = try await loadConfig(name)
        let creating = existing == nil
        var config = existing ?? DatabaseConfig(pluginName: "")
        if let plugin = try fields.string("plugin_name") { config.pluginName = plugin }
        guard !config.pluginName.isEmpty else { throw MountError.badRequest("empty plugin name") }
        guard config.pluginName == DatabaseConfig.postgreSQLPlugin else {
            throw MountError.badRequest(
                "error creating database object: no plugin \"\(config.pluginName)\": this server has \(DatabaseConfig.postgreSQLPlugin) only"
            )
        }
        if let version = try fields.string("plugin_version") { config.pluginVersion = version }
        if let roles = try fields.stringList("allowed_roles") {
            config.allowedRoles = roles
        } else if creating {
            config.allowedRoles = []
        }
        if let statements = try fields.stringList("root_rotation_statements") { config.rootRotationStatements = statements }
        if let policy = try fields.string("password_policy") { config.passwordPolicy = policy }
        let verify = try fields.bool("verify_connection") ?? true

        let sent = fields.raw.filter { !DatabaseConfig.genericFields.contains($0.key) }
        config.connectionDetails = creating ? sent : config.connectionDetails.merging(sent) { _, new in new }

        let settings = try PostgreSQLConnectionSettings(config.connectionDetails)
        if verify {
            do {
                try await PostgreSQLDatabase.verify(settings)
            } catch let failure as DatabaseFailure {
                throw MountError.badRequest("error creating database object: error verifying connection: \(failure.reason)")
            }
        }
        try await storage.putJSON("config/" + name, config)
        await connections.replace(name, with: try PostgreSQLDatabase(settings))

        guard case .string(let url)? = config.connectionDetails["connection_url"], DatabaseConfig.hasLiteralPassword(url) else {
            return .noContent
        }
        // OpenBao's framework adds its "ignored" warning to any answer that has a
        // body: the plugin's fields are not in the path's schema.
        let ignored = sent.keys.sorted().joined(separator: " ")
        return MountResponse(
            warnings: [Self.literalPasswordWarning]
                + (ignored.isEmpty ? [] : ["Endpoint ignored these unrecognized parameters: [\(ignored)]"]))
    }

    func deleteConfig(_ name: String) async throws -> MountResponse {
        try await storage.delete("config/" + name)
        await connections.replace(name, with: nil)
        return .noContent
    }

    /// `reset/<name>`: closes the connection's pool and opens a new one from the
    /// stored config (after the database was restarted, say).
    func resetConnection(_ name: String) async throws -> MountResponse {
        guard let config = try await loadConfig(name) else {
            throw Self.failed("failed to find entry for connection with name: \"\(name)\"")
        }
        let settings = try PostgreSQLConnectionSettings(config.connectionDetails)
        await connections.replace(name, with: try PostgreSQLDatabase(settings))
        return .noContent
    }
}
