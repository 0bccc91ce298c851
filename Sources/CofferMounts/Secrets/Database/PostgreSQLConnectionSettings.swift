import CofferEncoding
import CofferMountKit
import Foundation
import NIOSSL
import PostgresNIO

/// The PostgreSQL plugin's connection details, read from a config's
/// `connection_details`: the URL with `{{username}}` and `{{password}}` filled in
/// (URL-escaped unless `disable_escaping`), the pool size, the username template
/// and how passwords are sent.
struct PostgreSQLConnectionSettings: Sendable {
    var host = "localhost"
    var port = 5432
    var username = ""
    var password: String?
    var database: String?
    var sslMode = "prefer"
    var sslRootCert: String?
    var connectTimeout = 10
    var maxOpenConnections = 4
    /// `password` sends the password as is; `scram-sha-256` only its verifier.
    var sendsSCRAMVerifier = false
    var usernameTemplate: UsernameTemplate

    /// The root user as the config names it (`username`), for rotate-root.
    var rootUsername: String
    var rootPassword: String

    init(_ details: [String: JSONValue]) throws {
        let fields = RequestFields(details)
        guard let template = try fields.string("connection_url"), !template.isEmpty else {
            throw MountError.badRequest("error creating database object: connection_url cannot be empty")
        }
        rootUsername = try fields.string("username") ?? ""
        rootPassword = try fields.string("password") ?? ""
        for value in [rootUsername, rootPassword] where value.contains("{{username}}") || value.contains("{{password}}") {
            throw MountError.badRequest("error creating database object: username and/or password cannot contain the template variables")
        }
        let escaping = try fields.bool("disable_escaping") != true
        let url = template.replacingOccurrences(of: "{{username}}", with: escaping ? Self.pathEscaped(rootUsername) : rootUsername)
            .replacingOccurrences(of: "{{password}}", with: escaping ? Self.pathEscaped(rootPassword) : rootPassword)
        if let count = try fields.int("max_open_connections"), count > 0 { maxOpenConnections = Int(min(count, 1000)) }
        switch try fields.string("password_authentication") ?? "" {
        case "", "password": sendsSCRAMVerifier = false
        case "scram-sha-256": sendsSCRAMVerifier = true
        case let other:
            throw MountError.badRequest("error creating database object: '\(other)' is not a valid password authentication type")
        }
        usernameTemplate = try UsernameTemplate(try fields.string("username_template") ?? "")
        try parse(url)
    }

    /// Reads a libpq URL; an error names the part that is wrong, never the password.
    private mutating func parse(_ url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw MountError.badRequest("error creating database object: connection_url must be a postgres:// or postgresql:// URL")
        }
        if let host = components.host, !host.isEmpty { self.host = host }
        if let port = components.port {
            guard (1...65535).contains(port) else { throw MountError.badRequest("error creating database object: port out of range") }
            self.port = port
        }
        username = components.user.map { $0.removingPercentEncoding ?? $0 } ?? ""
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = String(components.path.drop { $0 == "/" })
        database = path.isEmpty ? nil : (path.removingPercentEncoding ?? path)
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode": sslMode = value
            case "sslrootcert": sslRootCert = value
            case "connect_timeout":
                guard let seconds = Int(value), (1...3600).contains(seconds) else {
                    throw MountError.badRequest("error creating database object: connect_timeout must be 1 to 3600 seconds")
                }
                connectTimeout = seconds
            case "user": username = value
            case "password": password = value
            case "dbname": database = value
            default: break
            }
        }
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw MountError.badRequest("error creating database object: unknown sslmode \"\(sslMode)\"")
        }
        if username.isEmpty { username = rootUsername }
    }

    /// Everything but RFC 3986's unreserved characters percent-encoded: a little
    /// more than Go's `url.PathEscape` (which leaves `@` and `:`), so a password
    /// holding them cannot move where the URL's user part ends.
    static func pathEscaped(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// The pool's configuration; timezone UTC so `{{expiration}}` means what it says.
    func clientConfiguration() throws -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: try tls())
        configuration.options.maximumConnections = maxOpenConnections
        configuration.options.connectTimeout = .seconds(Int64(connectTimeout))
        configuration.options.additionalStartupParameters = [("TimeZone", "UTC"), ("application_name", "coffer")]
        return configuration
    }

    /// One connection's configuration, to verify a config as it is written.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: try connectionTLS())
        configuration.options.connectTimeout = .seconds(Int64(connectTimeout))
        return configuration
    }

    private func tlsConfiguration() throws -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case "disable": return nil
        case "verify-ca", "verify-full":
            guard let file = sslRootCert else {
                throw MountError.badRequest("error creating database object: sslmode=\(sslMode) needs sslrootcert")
            }
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(file))
            } catch {
                throw MountError.badRequest("error creating database object: sslrootcert is not a readable PEM file")
            }
            tls.certificateVerification = sslMode == "verify-full" ? .fullVerification : .noHostnameVerification
        default:
            // libpq's prefer and require: encryption without checking who answers.
            tls.certificateVerification = .none
        }
        return tls
    }

    private var requiresTLS: Bool { ["require", "verify-ca", "verify-full"].contains(sslMode) }

    private func tls() throws -> PostgresClient.Configuration.TLS {
        guard let tls = try tlsConfiguration() else { return .disable }
        return requiresTLS ? .require(tls) : .prefer(tls)
    }

    private func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        guard let tls = try tlsConfiguration() else { return .disable }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw MountError.badRequest("error creating database object: TLS setup failed")
        }
        return requiresTLS ? .require(context) : .prefer(context)
    }
}
