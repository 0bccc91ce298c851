import CofferCore
import CofferStorage

/// What a server runs with: where it stores data and where it listens.
package struct ServerConfig: Sendable, Equatable {
    package enum Storage: Sendable, Equatable {
        case inmem
        case sqlite(path: String)
        case postgresql(PostgreSQLSettings)
    }

    package struct Listener: Sendable, Equatable {
        package var address: String = "127.0.0.1:8200"
        package var tlsDisable = false
        package var tlsCertFile: String?
        package var tlsKeyFile: String?
        /// Whether and how the listener asks for client certificates (mTLS).
        package var clientCertificates: ClientCertificateMode = .requested
        /// `x_forwarded_for_client_cert_header`: a header in which a trusted
        /// TLS-terminating proxy passes on the client's certificate.
        package var forwardedClientCertificate: ForwardedClientCertificate?
        /// Proxies whose `X-Forwarded-For` is believed (Vault's
        /// `x_forwarded_for_authorized_addrs`); from anyone else it is ignored.
        package var trustedProxies: [String] = []
        /// Timeouts for slow clients and the cap on open connections.
        package var connectionLimits = ConnectionLimits()
        /// `telemetry { unauthenticated_metrics_access = true }`: `sys/metrics`
        /// answers without a token on this listener (as Vault's does).
        package var unauthenticatedMetricsAccess = false

        package init() {}

        package func hostAndPort() throws -> (host: String, port: Int) {
            try Self.hostAndPort(address)
        }

        /// Host and port of `address` (`127.0.0.1:8200`, `[::1]:8200`, `:8200`).
        package static func hostAndPort(_ address: String) throws -> (host: String, port: Int) {
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
                throw ConfigError("listener address \"\(address)\" must be HOST:PORT")
            }
            var host = String(address[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return (host.isEmpty ? "0.0.0.0" : host, port)
        }
    }

    package var storage: Storage = .sqlite(path: "coffer.db")
    package var listeners: [Listener] = []
    /// `api_addr`: where clients reach this node; an HA standby sends them here
    /// when this node leads.
    package var apiAddress: String?
    /// `cluster_addr`, reported by `sys/leader` (Coffer's nodes forward over the API address).
    package var clusterAddress: String?
    package var logLevel: String = "info"
    /// Vault's physical read cache: on unless `disable_cache`, `cache_size` entries.
    package var disableCache = false
    package var cacheSize = CachedStorage.defaultCapacity
    /// Audit devices declared in the config (`audit "file" "path" { options { ... } }`).
    package var auditDevices: [AuditDeviceEntry] = []
    /// OpenBao's switch for enabling audit devices over the API (a path chosen over
    /// the API could be abused to write files on the server).
    package var allowAPIAuditCreation = false
    /// `user_lockout "<type>" { ... }` stanzas (Vault's user lockout settings).
    package var userLockouts: [UserLockoutStanza] = []
    /// The `telemetry {}` stanza (`prometheus_retention_time`, `disable_hostname`).
    package var telemetry = TelemetrySettings()
    /// Keys Vault knows that Coffer accepts and ignores (shown as warnings at start).
    package var ignoredKeys: [String] = []

    package init() {}
}

/// A configuration problem, with the file position when there is one.
package struct ConfigError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
