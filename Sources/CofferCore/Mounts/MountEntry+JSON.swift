import CofferEncoding
import CofferMountKit

extension MountEntry {
    /// The entry as `sys/mounts` and `sys/auth` show it (spec/vault-api.md §4.5).
    package func json(includingPath: Bool = false) -> JSONValue {
        var object: [String: JSONValue] = [
            "accessor": .string(accessor),
            "config": config.json,
            "description": .string(description),
            "external_entropy_access": .bool(externalEntropyAccess),
            "local": .bool(local),
            "options": options.map { .object($0.mapValues { .string($0) }) } ?? .null,
            "plugin_version": "",
            "running_plugin_version": "v2.7.2+builtin.bao",
            "running_sha256": "",
            "seal_wrap": .bool(sealWrap),
            "type": .string(type),
            "uuid": .string(uuid),
        ]
        if !isBuiltIn { object["deprecation_status"] = "supported" }
        if includingPath { object["path"] = .string(path) }
        return .object(object)
    }

    /// The effective settings `GET sys/mounts/<path>/tune` reports.
    package var tuneJSON: JSONValue {
        var object: [String: JSONValue] = [
            "default_lease_ttl": .int(config.defaultLeaseTTL == 0 ? TokenSettings.systemTTL : config.defaultLeaseTTL),
            "max_lease_ttl": .int(config.maxLeaseTTL == 0 ? TokenSettings.systemTTL : config.maxLeaseTTL),
            "force_no_cache": .bool(config.forceNoCache),
            "description": .string(description),
        ]
        if let options, !options.isEmpty { object["options"] = .object(options.mapValues { .string($0) }) }
        if let tokenType = config.tokenType { object["token_type"] = .string(tokenType) }
        if let lockout = config.userLockout {
            for (key, value) in lockout.json { object[key] = value }
        }
        return .object(object)
    }
}

extension MountConfig {
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "default_lease_ttl": .int(defaultLeaseTTL),
            "force_no_cache": .bool(forceNoCache),
            "max_lease_ttl": .int(maxLeaseTTL),
        ]
        if let passthroughRequestHeaders { object["passthrough_request_headers"] = JSONValue(passthroughRequestHeaders) }
        if let tokenType { object["token_type"] = .string(tokenType) }
        if let userLockout { object["user_lockout_config"] = .object(userLockout.json) }
        return .object(object)
    }
}
