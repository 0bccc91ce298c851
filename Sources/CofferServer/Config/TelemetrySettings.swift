import CofferEncoding
import CofferHCL

/// The top-level `telemetry {}` stanza: the keys of Vault's that Coffer uses.
/// The others (statsd, circonus, ...) are accepted and reported as ignored.
package struct TelemetrySettings: Sendable, Equatable {
    /// `prometheus_retention_time`, in seconds. Zero, the default, leaves
    /// `sys/metrics?format=prometheus` off, as in OpenBao. Coffer keeps every
    /// series for the life of the process, so any positive value turns it on.
    package var prometheusRetentionSeconds: Int64 = 0
    /// `disable_hostname`: accepted; Coffer never prefixes metric names with the host name.
    package var disableHostname = false

    package var prometheusEnabled: Bool { prometheusRetentionSeconds > 0 }

    /// What `server -dev` uses, as OpenBao's dev mode (24 hours).
    package static let dev = TelemetrySettings(prometheusRetentionSeconds: 24 * 3600)

    package init(prometheusRetentionSeconds: Int64 = 0, disableHostname: Bool = false) {
        self.prometheusRetentionSeconds = prometheusRetentionSeconds
        self.disableHostname = disableHostname
    }

    /// Reads the stanza; `ignored` hears the keys Coffer does not use.
    init(stanza body: HCLBody, at position: HCLPosition, ignored: (String) -> Void) throws {
        self.init()
        for attribute in body.attributes {
            switch attribute.name {
            case "prometheus_retention_time":
                prometheusRetentionSeconds = try Self.retention(attribute)
            case "disable_hostname":
                disableHostname = try body.bool("disable_hostname") ?? false
            default:
                ignored("telemetry.\(attribute.name)")
            }
        }
    }

    /// Seconds (`3600`) or a Go duration (`"24h"`); never negative.
    private static func retention(_ attribute: HCLAttribute) throws -> Int64 {
        let seconds: Int64?
        switch attribute.value {
        case .int(let number): seconds = number
        case .string(let text): seconds = GoDuration.seconds(from: text)
        default: seconds = nil
        }
        guard let seconds, seconds >= 0 else {
            throw ConfigError("\(attribute.position): telemetry: prometheus_retention_time must be a duration (like \"24h\")")
        }
        return seconds
    }
}
