import CofferEncoding
import CofferMountKit

/// `auth/<mount>/role/<name>`: which service accounts may log in and the token
/// they get (spec/vault-api.md §10.2).
struct KubernetesRole: Codable, Sendable, Equatable, ShownRole {
    var serviceAccountNames: [String] = []
    var serviceAccountNamespaces: [String] = []
    /// The selector as written (JSON or YAML); parsed again at each login.
    var namespaceSelector = ""
    /// When set, the JWT's `aud` must contain it, and the TokenReview asks for it.
    var audience = ""
    var aliasNameSource = AliasNameSource.serviceAccountUID
    var token = TokenSettings()

    enum AliasNameSource: String, Codable, Sendable {
        case serviceAccountUID = "serviceaccount_uid"
        case serviceAccountName = "serviceaccount_name"
    }

    var json: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "bound_service_account_names": JSONValue(serviceAccountNames),
            "bound_service_account_namespaces": JSONValue(serviceAccountNamespaces),
            "bound_service_account_namespace_selector": .string(namespaceSelector),
            "alias_name_source": .string(aliasNameSource.rawValue),
        ]
        // OpenBao shows `audience` only when one is set.
        if !audience.isEmpty { object["audience"] = .string(audience) }
        object.merge(token.json) { _, new in new }
        return object
    }

    /// Applies a role write, in OpenBao's order: fields change only when sent,
    /// except the selector, which every write sets (empty when not sent).
    /// Returns warnings.
    mutating func update(from fields: RequestFields) throws -> [String] {
        try token.update(from: fields)
        if let names = try fields.stringList("bound_service_account_names") { serviceAccountNames = names }
        guard !serviceAccountNames.isEmpty else {
            throw MountError.badRequest("\"bound_service_account_names\" can not be empty")
        }
        if serviceAccountNames.count > 1, serviceAccountNames.contains("*") {
            throw MountError.badRequest("can not mix \"*\" with values")
        }
        if let namespaces = try fields.stringList("bound_service_account_namespaces") { serviceAccountNamespaces = namespaces }
        namespaceSelector = try fields.string("bound_service_account_namespace_selector") ?? ""
        if serviceAccountNamespaces.isEmpty, namespaceSelector.isEmpty {
            throw MountError.badRequest(
                "\"bound_service_account_namespaces\" can not be empty if \"bound_service_account_namespace_selector\" is not set")
        }
        if !namespaceSelector.isEmpty {
            do {
                _ = try NamespaceSelector(parsing: namespaceSelector)
            } catch {
                throw MountError.badRequest("invalid \"bound_service_account_namespace_selector\" configured")
            }
        }
        if serviceAccountNamespaces.count > 1, serviceAccountNamespaces.contains("*") {
            throw MountError.badRequest("can not mix \"*\" with values")
        }
        if let value = try fields.string("audience") { audience = value }
        if let value = try fields.string("alias_name_source"), !value.isEmpty {
            guard let source = AliasNameSource(rawValue: value) else {
                throw MountError.badRequest("invalid alias_name_source, must be one of: serviceaccount_uid, serviceaccount_name")
            }
            aliasNameSource = source
        }
        guard token.maxTTL > TokenSettings.systemTTL else { return [] }
        return [
            "max_ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated"
        ]
    }
}
