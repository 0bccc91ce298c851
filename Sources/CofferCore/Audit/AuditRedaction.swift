import CofferEncoding
import CofferMountKit
import Crypto

/// The pass that hides secrets in an audit entry before any device sees it:
/// each sensitive string becomes `hmac-sha256:<hex>` under the device's salt, so
/// an operator can find a known value (`sys/audit-hash`) but not read one.
///
/// Which fields are sensitive is a security property, kept in this one file
/// (spec/vault-api.md §4.11): tokens, accessors, and every string leaf of the
/// request and response data. Paths, operations, policy names, metadata, display
/// names, mount fields, lease ids, times and the top-level error stay clear, as
/// in Vault. A field added to the entry is clear until it is added here.
package struct AuditRedaction: Sendable {
    /// Keyed once with the device's salt; each value hashes a copy of it.
    private let keyedHMAC: HMAC<SHA256>
    /// `log_raw`: nothing is hashed (Vault's option for debugging; off by default).
    package let logsRaw: Bool
    /// `hmac_accessor`: accessors are hashed too (the default).
    package let hashesAccessors: Bool

    package init(salt: SymmetricKey, logsRaw: Bool = false, hashesAccessors: Bool = true) {
        keyedHMAC = HMAC<SHA256>(key: salt)
        self.logsRaw = logsRaw
        self.hashesAccessors = hashesAccessors
    }

    /// `hmac-sha256:<hex>` of a value under this device's salt (also what `sys/audit-hash` answers).
    package func hmac(_ value: String) -> String {
        keyedHMAC.hex(of: value, prefix: "hmac-sha256:")
    }

    package func redacted(_ entry: AuditEntry) -> AuditEntry {
        var entry = entry
        entry.auth = redacted(entry.auth)
        entry.request = redacted(entry.request)
        entry.response = entry.response.map(redacted)
        return entry
    }

    package func redacted(_ auth: AuditAuth) -> AuditAuth {
        var auth = auth
        auth.accessor = auth.accessor.map(accessor)
        auth.clientToken = auth.clientToken.map(secret)
        return auth
    }

    package func redacted(_ request: AuditRequest) -> AuditRequest {
        var request = request
        request.clientToken = request.clientToken.map(secret)
        request.clientTokenAccessor = request.clientTokenAccessor.map(accessor)
        request.data = request.data.map { $0.mapValues(everyString) }
        return request
    }

    package func redacted(_ response: AuditResponse) -> AuditResponse {
        var response = response
        response.auth = response.auth.map { redactedMembers($0, secrets: ["client_token"], accessors: ["accessor"]) }
        response.data = response.data.map(everyString)
        response.wrapInfo = response.wrapInfo.map { redactedMembers($0, secrets: ["token"], accessors: ["accessor", "wrapped_accessor"]) }
        return response
    }

    private func secret(_ value: String) -> String {
        logsRaw ? value : hmac(value)
    }

    private func accessor(_ value: String) -> String {
        logsRaw || !hashesAccessors ? value : hmac(value)
    }

    /// Every string leaf hashed, the structure kept; numbers, booleans and null
    /// stay (spec §4.11: empty strings are hashed too).
    private func everyString(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(secret(text))
        case .array(let items): .array(items.map(everyString))
        case .object(let members): .object(members.mapValues(everyString))
        default: value
        }
    }

    /// An object whose named members, when they are strings, are hashed; the others stay.
    private func redactedMembers(_ members: [String: JSONValue], secrets: Set<String>, accessors: Set<String>) -> [String: JSONValue] {
        var members = members
        for (name, value) in members {
            guard let text = value.stringValue else { continue }
            if secrets.contains(name) {
                members[name] = .string(secret(text))
            } else if accessors.contains(name) {
                members[name] = .string(accessor(text))
            }
        }
        return members
    }
}
