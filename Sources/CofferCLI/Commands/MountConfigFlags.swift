import ArgumentParser
import CofferEncoding
import Foundation

/// The flags `secrets enable|tune` and `auth tune` share, sent in the fields and
/// shapes Vault's CLI sends them: list flags as arrays (comma-separated values
/// split), durations as Go durations, `-version` folded into the options.
struct MountConfigFlags: ParsableArguments {
    @Option(name: .customLong("description")) var description: String?
    @Option(name: .customLong("default-lease-ttl")) var defaultLeaseTTL: String?
    @Option(name: .customLong("max-lease-ttl")) var maxLeaseTTL: String?
    @Option(name: .customLong("audit-non-hmac-request-keys")) var auditNonHMACRequestKeys: [String] = []
    @Option(name: .customLong("audit-non-hmac-response-keys")) var auditNonHMACResponseKeys: [String] = []
    @Option(name: .customLong("passthrough-request-headers")) var passthroughRequestHeaders: [String] = []
    @Option(name: .customLong("allowed-response-headers")) var allowedResponseHeaders: [String] = []
    @Option(name: .customLong("listing-visibility")) var listingVisibility: String?
    @Option(name: .customLong("options"), help: "key=value; repeat for more.") var options: [String] = []
    @Option(name: .customLong("plugin-version")) var pluginVersion: String?
    @Option(name: .customLong("version"), help: "The KV version (1 or 2).") var version: Int?

    /// The optional config fields, present only when their flag was given.
    func optionalFields() -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        let lists = [
            ("audit_non_hmac_request_keys", auditNonHMACRequestKeys), ("audit_non_hmac_response_keys", auditNonHMACResponseKeys),
            ("passthrough_request_headers", passthroughRequestHeaders), ("allowed_response_headers", allowedResponseHeaders),
        ]
        for (name, values) in lists where !values.isEmpty {
            fields[name] = JSONValue(values.flatMap { $0.split(separator: ",").map(String.init) })
        }
        if let listingVisibility { fields["listing_visibility"] = .string(listingVisibility) }
        if let pluginVersion { fields["plugin_version"] = .string(pluginVersion) }
        return fields
    }

    /// `-options`, with `-version=N` as `version: "N"`; null when neither was given.
    func mountOptions() throws -> JSONValue {
        var merged = try MountFlags.options(options).objectValue ?? [:]
        // As Vault's CLI: only a positive version is sent.
        let version = self.version.flatMap { $0 > 0 ? $0 : nil }
        if let version { merged["version"] = .string(String(version)) }
        return options.isEmpty && version == nil ? .null : .object(merged)
    }

    /// A TTL flag as the CLI sends it, or `fallback` when not given.
    func duration(_ text: String?, _ flag: String, fallback: String) throws -> JSONValue {
        .string(try MountFlags.duration(text, flag: flag) ?? fallback)
    }

    /// The body of `sys/mounts/<path>/tune` (and `sys/mounts/auth/<path>/tune`).
    func tuneBody() throws -> [String: JSONValue] {
        var body = optionalFields()
        body["options"] = try mountOptions()
        body["force_no_cache"] = false
        body["default_lease_ttl"] = try duration(defaultLeaseTTL, "default-lease-ttl", fallback: "")
        body["max_lease_ttl"] = try duration(maxLeaseTTL, "max-lease-ttl", fallback: "")
        if let description { body["description"] = .string(description) }
        return body
    }
}
