import CofferEncoding
import CofferMountKit

/// The tables `auth list` prints, brief and `-detailed`, from the `sys/auth` data map.
enum MountTable {
    static func brief(_ mounts: [String: JSONValue]) -> String {
        let rows = mounts.sorted { $0.key < $1.key }.map { path, entry in
            [path, text(entry["type"]), text(entry["accessor"]), orNA(entry["description"]), orNA(entry["plugin_version"])]
        }
        return OutputFormat.columns(header: ["Path", "Type", "Accessor", "Description", "Version"], rows: rows)
    }

    static func detailed(_ mounts: [String: JSONValue]) -> String {
        let header = [
            "Path", "Plugin", "Accessor", "Default TTL", "Max TTL", "Token Type", "Replication", "Seal Wrap",
            "External Entropy Access", "Options", "Description", "UUID", "Version", "Running Version",
            "Running SHA256", "Deprecation Status",
        ]
        let rows = mounts.sorted { $0.key < $1.key }.map { path, entry -> [String] in
            let config = entry["config"] ?? .null
            return [
                path, text(entry["type"]), text(entry["accessor"]), ttl(config["default_lease_ttl"]), ttl(config["max_lease_ttl"]),
                text(config["token_type"]), entry["local"] == true ? "local" : "replicated", text(entry["seal_wrap"] ?? false),
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
