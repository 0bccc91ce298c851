import CofferEncoding
import CofferMountKit

/// The tables `auth list` and `secrets list` print, brief and `-detailed`, from
/// the `sys/auth` or `sys/mounts` data map.
enum MountTable {
    static func brief(_ mounts: [String: JSONValue], secrets: Bool = false) -> String {
        let rows = mounts.sorted { $0.key < $1.key }.map { path, entry in
            [path, text(entry["type"]), text(entry["accessor"]), orNA(entry["description"])]
                + (secrets ? [] : [orNA(entry["plugin_version"])])
        }
        let header = ["Path", "Type", "Accessor", "Description"] + (secrets ? [] : ["Version"])
        return OutputFormat.columns(header: header, rows: rows)
    }

    /// Vault's detailed listing; secrets engines show Force No Cache where auth
    /// methods show Token Type, and their TTLs in seconds (none for system and cubbyhole).
    static func detailed(_ mounts: [String: JSONValue], secrets: Bool = false) -> String {
        let header = [
            "Path", "Plugin", "Accessor", "Default TTL", "Max TTL", secrets ? "Force No Cache" : "Token Type", "Replication", "Seal Wrap",
            "External Entropy Access", "Options", "Description", "UUID", "Version", "Running Version",
            "Running SHA256", "Deprecation Status",
        ]
        let rows = mounts.sorted { $0.key < $1.key }.map { path, entry -> [String] in
            let config = entry["config"] ?? .null
            let type = text(entry["type"])
            let ttls =
                secrets
                ? [secretsTTL(type, config["default_lease_ttl"]), secretsTTL(type, config["max_lease_ttl"])]
                : [ttl(config["default_lease_ttl"]), ttl(config["max_lease_ttl"])]
            return [path, type, text(entry["accessor"])] + ttls + [
                secrets ? text(config["force_no_cache"] ?? false) : text(config["token_type"]),
                entry["local"] == true ? "local" : "replicated", text(entry["seal_wrap"] ?? false),
                text(entry["external_entropy_access"] ?? false),
                OutputFormat.cell(entry["options"]?.objectValue.map(JSONValue.object) ?? .object([:])),
                orNA(entry["description"]), text(entry["uuid"]), orNA(entry["plugin_version"]), orNA(entry["running_plugin_version"]),
                orNA(entry["running_sha256"]), orNA(entry["deprecation_status"]),
            ]
        }
        return OutputFormat.columns(header: header, rows: rows)
    }

    private static func text(_ value: JSONValue?) -> String {
        guard let value, value != .null else { return "" }
        return OutputFormat.cell(value)
    }

    private static func orNA(_ value: JSONValue?) -> String {
        let shown = text(value)
        return shown.isEmpty ? "n/a" : shown
    }

    /// A secrets engine's TTL as `secrets list -detailed` shows it: seconds, or
    /// "system" for the default; nothing for the system and cubbyhole mounts.
    private static func secretsTTL(_ type: String, _ value: JSONValue?) -> String {
        if type == "system" || type == "cubbyhole" { return "n/a" }
        guard case .int(let seconds)? = value, seconds != 0 else { return "system" }
        return String(seconds)
    }

    /// A mount TTL: 0 means the system default.
    private static func ttl(_ value: JSONValue?) -> String {
        guard case .int(let seconds)? = value, seconds > 0 else { return "system" }
        return HumanDuration.format(seconds: seconds)
    }
}

/// Vault's `humanDuration`: Go's duration text with zero minutes and seconds dropped (`768h`, `1h30m`).
enum HumanDuration {
    static func format(seconds: Int64) -> String {
        var text = GoDuration.format(seconds: seconds)
        if text.hasSuffix("m0s") { text.removeLast(2) }
        if let range = text.range(of: "h0m"), range.lowerBound > text.startIndex {
            text.replaceSubrange(range, with: "h")
        }
        return text
    }
}
