import CofferEncoding
import CofferMountKit
import Foundation

/// `database/config/<name>`: one database connection (spec/database-engine.md).
///
/// The generic fields are kept apart; every other field of a write goes to the
/// plugin as `connectionDetails`, stored as sent (the root password included:
/// storage is behind the barrier) and never read back with the password.
struct DatabaseConfig: Codable, Sendable, Equatable {
    var pluginName: String
    var pluginVersion = ""
    var connectionDetails: [String: JSONValue] = [:]
    var allowedRoles: [String] = []
    var rootRotationStatements: [String] = []
    var passwordPolicy = ""

    enum CodingKeys: String, CodingKey {
        case pluginName = "plugin_name"
        case pluginVersion = "plugin_version"
        case connectionDetails = "connection_details"
        case allowedRoles = "allowed_roles"
        case rootRotationStatements = "root_credentials_rotate_statements"
        case passwordPolicy = "password_policy"
    }

    /// The one plugin this engine carries.
    static let postgreSQLPlugin = "postgresql-database-plugin"

    /// Fields of a config write that are not connection details.
    static let genericFields: Set<String> = [
        "name", "plugin_name", "plugin_version", "allowed_roles", "verify_connection", "root_rotation_statements", "password_policy",
    ]

    /// What a read shows: never the password, and a URL's own password masked.
    var json: [String: JSONValue] {
        var details = connectionDetails
        details["password"] = nil
        details["private_key"] = nil
        if case .string(let url)? = details["connection_url"] { details["connection_url"] = .string(Self.redacted(url)) }
        return [
            "plugin_name": .string(pluginName),
            "plugin_version": .string(pluginVersion),
            "connection_details": .object(details),
            "allowed_roles": JSONValue(allowedRoles),
            "root_credentials_rotate_statements": JSONValue(rootRotationStatements),
            "password_policy": .string(passwordPolicy),
        ]
    }

    /// Whether `role` may draw credentials on this connection: `*` or a glob in
    /// `allowed_roles`; an empty list allows none.
    func allows(_ role: String) -> Bool {
        allowedRoles.contains { $0 == "*" || GlobPattern($0).matches(role) }
    }

    /// The URL's literal password, as Go's `url.Parse` finds one: a templated
    /// user part (`{{username}}:{{password}}`) does not parse there, so has none.
    private static func literalPassword(_ url: String) -> (URLComponents, String)? {
        guard let components = URLComponents(string: url), let password = components.password,
            !(components.user ?? "").contains("{{"), !password.contains("{{")
        else { return nil }
        return (components, password)
    }

    /// Whether `connection_url` carries a literal password.
    static func hasLiteralPassword(_ url: String) -> Bool { literalPassword(url) != nil }

    /// Go's `URL.Redacted()`: a literal password becomes `xxxxx`.
    static func redacted(_ url: String) -> String {
        guard var components = literalPassword(url)?.0 else { return url }
        components.percentEncodedPassword = "xxxxx"
        return components.string ?? url
    }
}
