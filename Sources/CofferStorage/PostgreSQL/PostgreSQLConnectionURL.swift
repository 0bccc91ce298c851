import Foundation

/// Where and how to reach PostgreSQL, from a libpq-style URL:
/// `postgres://user:password@host:port/database?sslmode=verify-full&sslrootcert=/ca.pem`.
///
/// Only what Coffer uses is read; the password is kept out of `description`.
package struct PostgreSQLConnectionURL: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode` values that Coffer honours.
    package enum SSLMode: String, Sendable, Equatable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    package var host = "127.0.0.1"
    package var port = 5432
    package var username = "postgres"
    package var password: String?
    package var database: String?
    package var sslMode = SSLMode.prefer
    /// A PEM file of the CAs that may sign the server's certificate.
    package var sslRootCert: String?
    /// Seconds to wait for a connection.
    package var connectTimeout = 10

    package init(host: String, port: Int, username: String, password: String?, database: String?) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses a URL; the error names the part that is wrong, never the password.
    package init(parsing text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw StorageError(.invalidKey, "connection_url must be a postgres:// or postgresql:// URL")
        }
        if let host = components.host, !host.isEmpty { self.host = host }
        if let port = components.port {
            guard (1...65535).contains(port) else { throw StorageError(.invalidKey, "connection_url: port out of range") }
            self.port = port
        }
        if let user = components.user, !user.isEmpty { username = user.removingPercentEncoding ?? user }
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : (path.removingPercentEncoding ?? path)
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                // libpq's `allow` is `prefer` in all that matters here.
                guard let mode = value == "allow" ? .prefer : SSLMode(rawValue: value) else {
                    throw StorageError(.invalidKey, "connection_url: unknown sslmode \"\(value)\"")
                }
                sslMode = mode
            case "sslrootcert":
                sslRootCert = value
            case "connect_timeout":
                guard let seconds = Int(value), (1...3600).contains(seconds) else {
                    throw StorageError(.invalidKey, "connection_url: connect_timeout must be 1 to 3600 seconds")
                }
                connectTimeout = seconds
            case "user":
                username = value
            case "password":
                password = value
            case "dbname":
                database = value
            case "host":
                host = value
            default:
                break  // libpq options Coffer does not use (application_name, ...)
            }
        }
        // The TLS layer checks a certificate against a host name only: an address
        // would go unchecked, so verify-full wants the name the certificate carries.
        if sslMode == .verifyFull, Self.isAddress(host) {
            throw StorageError(
                .invalidKey,
                "connection_url: sslmode=verify-full needs a host name (the one in the server's certificate), not an IP address")
        }
        if (sslMode == .verifyCA || sslMode == .verifyFull), sslRootCert == nil {
            throw StorageError(.invalidKey, "connection_url: sslmode=\(sslMode.rawValue) needs sslrootcert (a PEM file of trusted CAs)")
        }
    }

    static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    package var description: String {
        "postgres://\(username)@\(host):\(port)/\(database ?? "") sslmode=\(sslMode.rawValue)"
    }
}
