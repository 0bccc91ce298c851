import CofferEncoding
import Foundation

/// The identity a service-account JWT claims, from the projected-token claims
/// (`kubernetes.io.namespace`, `kubernetes.io.serviceaccount.{name,uid}`) or,
/// when those are absent, the legacy secret-based ones
/// (`kubernetes.io/serviceaccount/service-account.name` ...), as OpenBao
/// prefers them. Read from the token before any API server confirms it: a
/// claim only, until the TokenReview agrees.
struct ServiceAccountToken: Sendable, Equatable {
    let name: String
    let namespace: String
    let uid: String
    /// The legacy token's secret, empty for a projected token.
    let secretName: String
    /// `aud`, as a string or a list.
    let audiences: [String]

    static let legacyPrefix = "kubernetes.io/serviceaccount/"

    /// nil when a claim the identity needs has the wrong type (a number for a
    /// name, say): such a token is refused, never half-read.
    init?(claims: [String: JSONValue]) {
        var name = "", namespace = "", uid = ""
        let legacy = { (claim: String) -> JSONValue? in claims[Self.legacyPrefix + claim] }
        guard let legacyName = Self.text(legacy("service-account.name")),
            let legacyUID = Self.text(legacy("service-account.uid")),
            let legacyNamespace = Self.text(legacy("namespace")),
            let secret = Self.text(legacy("secret.name"))
        else { return nil }
        (name, namespace, uid) = (legacyName, legacyNamespace, legacyUID)
        switch claims["kubernetes.io"] {
        case nil, .null?: break
        case .object(let projected)?:
            // As in OpenBao: the projected namespace wins whenever the
            // `kubernetes.io` claim is there; name and uid when its
            // `serviceaccount` member is.
            guard let projectedNamespace = Self.text(projected["namespace"]) else { return nil }
            namespace = projectedNamespace
            switch projected["serviceaccount"] {
            case nil, .null?: break
            case .object(let account)?:
                guard let accountName = Self.text(account["name"]), let accountUID = Self.text(account["uid"]) else { return nil }
                (name, uid) = (accountName, accountUID)
            default: return nil
            }
        default: return nil
        }
        let audiences: [String]
        switch claims["aud"] {
        case nil, .null?: audiences = []
        case .string(let single)?: audiences = [single]
        case .array(let items)?:
            let strings = items.compactMap(\.stringValue)
            guard strings.count == items.count else { return nil }
            audiences = strings
        default: return nil
        }
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.secretName = secret
        self.audiences = audiences
    }

    /// A string claim, "" when absent; nil when present with another type.
    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case nil, .null?: ""
        case .string(let text)?: text
        default: nil
        }
    }

    /// The TokenReview's `username` for this account.
    var username: String { "system:serviceaccount:\(namespace):\(name)" }

    /// Whether `namespace` can name a Kubernetes namespace (an RFC 1123
    /// label). The namespace read puts it in a URL path, so anything else
    /// (`..`, `/`, `?`) is refused before a request is made.
    static func isNamespaceName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        let lowerAlphanumeric = { (byte: UInt8) in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        return lowerAlphanumeric(first) && lowerAlphanumeric(last)
            && bytes.allSatisfy { lowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}
