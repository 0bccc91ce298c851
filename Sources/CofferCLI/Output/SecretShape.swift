import CofferEncoding
import CofferMountKit

/// An API answer as Vault's CLI prints it with `-format=json|yaml`: decoded into the
/// Go client's `api.Secret` and encoded again, so only its fields remain (the
/// top-level copies some `sys/` endpoints add, and auth fields such as `num_uses`,
/// are dropped), with `null`, `""` and `0` where the server sent nothing.
enum SecretShape {
    static func of(_ body: JSONValue) -> JSONValue {
        var shaped: [String: JSONValue] = [
            "request_id": body["request_id"] ?? "", "lease_id": body["lease_id"] ?? "",
            "lease_duration": body["lease_duration"] ?? 0, "renewable": body["renewable"] ?? false,
            "data": body["data"] ?? .null, "warnings": body["warnings"] ?? .null,
        ]
        if let auth = body["auth"], auth != .null { shaped["auth"] = self.auth(auth) }
        if let wrap = body["wrap_info"], wrap != .null { shaped["wrap_info"] = self.wrap(wrap) }
        if let mountType = body["mount_type"]?.stringValue, !mountType.isEmpty { shaped["mount_type"] = .string(mountType) }
        return .object(shaped)
    }

    private static func auth(_ auth: JSONValue) -> JSONValue {
        let fields: [(String, JSONValue)] = [
            ("client_token", ""), ("accessor", ""), ("policies", .null), ("token_policies", .null),
            ("identity_policies", .null), ("metadata", .null), ("orphan", false), ("entity_id", ""),
            ("lease_duration", 0), ("renewable", false), ("mfa_requirement", .null),
        ]
        return .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.0, auth[$0.0] ?? $0.1) }))
    }

    private static func wrap(_ wrap: JSONValue) -> JSONValue {
        var fields: [String: JSONValue] = [
            "token": wrap["token"] ?? "", "accessor": wrap["accessor"] ?? "", "ttl": wrap["ttl"] ?? 0,
            "creation_time": wrap["creation_time"] ?? .null, "creation_path": wrap["creation_path"] ?? "",
        ]
        if let accessor = wrap["wrapped_accessor"]?.stringValue, !accessor.isEmpty { fields["wrapped_accessor"] = .string(accessor) }
        return .object(fields)
    }
}
