import CofferCore
import CofferHCL
import CofferMountKit

extension ServerConfig {
    /// Parses a Vault-style HCL server config (`storage "sqlite" {...}`, `listener "tcp" {...}`).
    package init(hcl source: String) throws {
        self.init()
        let body: HCLBody
        do {
            body = try HCLParser.parse(source)
        } catch {
            throw ConfigError("error parsing config: \(error)")
        }
        for item in body.items {
            switch item.name {
            case "storage", "backend":
                guard let block = item.block else { throw ConfigError("storage must be a block") }
                storage = try Self.storage(block)
            case "listener":
                guard let block = item.block else { throw ConfigError("listener must be a block") }
                listeners.append(try Self.listener(block))
            case "api_addr":
                apiAddress = try body.string("api_addr")
            case "cluster_addr":
                clusterAddress = try body.string("cluster_addr")
            case "disable_cache":
                disableCache = try body.bool("disable_cache") ?? false
            case "cache_size":
                guard let size = try body.int("cache_size"), (1...100_000_000).contains(size) else {
                    throw ConfigError("\(item.position): cache_size must be a number of entries from 1 to 100000000")
                }
                cacheSize = Int(size)
            case "log_level":
                logLevel = try body.string("log_level") ?? "info"
            case "unsafe_allow_api_audit_creation":
                allowAPIAuditCreation = try body.bool("unsafe_allow_api_audit_creation") ?? false
            case "audit":
                guard let block = item.block else { throw ConfigError("audit must be a block") }
                auditDevices.append(try Self.auditDevice(block))
            case "telemetry":
                guard let stanza = try body.object("telemetry") else { throw ConfigError("telemetry must be a block") }
                var ignored: [String] = []
                telemetry = try TelemetrySettings(stanza: stanza, at: item.position) { ignored.append($0) }
                ignoredKeys += ignored
            case "user_lockout":
                guard let block = item.block else { throw ConfigError("user_lockout must be a block") }
                userLockouts.append(try Self.userLockout(block))
            default:
                ignoredKeys.append(item.name)
            }
        }
        if listeners.isEmpty { throw ConfigError("no listener configured: add a listener \"tcp\" { address = \"127.0.0.1:8200\" } block") }
    }

    private static func storage(_ block: HCLBlock) throws -> Storage {
        switch block.label {
        case "sqlite":
            guard let path = try block.body.string("path"), !path.isEmpty else {
                throw ConfigError("\(block.position): storage \"sqlite\" needs a path")
            }
            return .sqlite(path: path)
        case "inmem":
            return .inmem
        case "postgresql":
            return .postgresql(try postgreSQLSettings(block))
        default:
            throw ConfigError("\(block.position): unknown storage type \"\(block.label ?? "")\" (supported: sqlite, postgresql, inmem)")
        }
    }

    /// `audit "file" "name" { description = "..." options { file_path = "..." } }`
    /// (or `"socket"`, `"syslog"`; their options are checked when the device opens).
    private static func auditDevice(_ block: HCLBlock) throws -> AuditDeviceEntry {
        guard block.labels.count >= 1, ["file", "socket", "syslog"].contains(block.labels[0]) else {
            throw ConfigError("\(block.position): unknown audit device type \"\(block.label ?? "")\" (supported: file, socket, syslog)")
        }
        let type = block.labels[0]
        let path = block.labels.count > 1 ? block.labels[1] : type
        var options: [String: String] = [:]
        if let body = try block.body.object("options") ?? block.body.blocks(ofType: "options").first?.body {
            for attribute in body.attributes {
                guard let text = attribute.value.stringValue else {
                    throw ConfigError("\(attribute.position): audit option \"\(attribute.name)\" must be a string")
                }
                options[attribute.name] = text
            }
        }
        if type == "file", options["file_path"] == nil {
            throw ConfigError("\(block.position): audit device \"\(path)\" needs options { file_path = \"...\" }")
        }
        return AuditDeviceEntry(path: path, type: type, description: try block.body.string("description") ?? "", options: options)
    }

    private static func listener(_ block: HCLBlock) throws -> Listener {
        guard block.label == "tcp" else {
            throw ConfigError("\(block.position): unknown listener type \"\(block.label ?? "")\" (supported: tcp)")
        }
        var listener = Listener()
        if let address = try block.body.string("address") { listener.address = address }
        listener.tlsDisable = try block.body.bool("tls_disable") ?? false
        listener.tlsCertFile = try block.body.string("tls_cert_file")
        listener.tlsKeyFile = try block.body.string("tls_key_file")
        listener.trustedProxies = try block.body.stringList("x_forwarded_for_authorized_addrs") ?? []
        listener.clientCertificates = try ClientCertificateMode(listener: block.body, at: block.position)
        listener.forwardedClientCertificate = try ForwardedClientCertificate(listener: block.body, at: block.position)
        listener.connectionLimits = try ConnectionLimits(listener: block.body, at: block.position)
        if let telemetry = try block.body.object("telemetry") {
            listener.unauthenticatedMetricsAccess = try telemetry.bool("unauthenticated_metrics_access") ?? false
        }
        for cidr in listener.trustedProxies where CIDRBlock(cidr) == nil {
            throw ConfigError("\(block.position): x_forwarded_for_authorized_addrs: \"\(cidr)\" is not an address or CIDR block")
        }
        if !listener.tlsDisable, listener.tlsCertFile == nil || listener.tlsKeyFile == nil {
            throw ConfigError("\(block.position): listener needs tls_cert_file and tls_key_file, or tls_disable = true")
        }
        return listener
    }
}
