import Yams

/// A role's `bound_service_account_namespace_selector`: a Kubernetes label
/// selector, written as JSON or YAML, that a namespace's labels must satisfy.
///
/// As in OpenBao, only `matchLabels` is supported (`matchExpressions` is
/// refused when the role is written), and `{}` selects every namespace.
/// Parsed when the role is written and again at each login, from the stored
/// text, so a stored value that no longer parses refuses the login.
struct NamespaceSelector: Sendable, Equatable {
    /// Every label a namespace must carry, with its value.
    let matchLabels: [String: String]

    struct Invalid: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    /// Longer selectors are refused unread: nobody needs kilobytes of labels,
    /// and the YAML parser should never see a hostile document of any size.
    static let maximumLength = 16 * 1024
    /// Deeper flow nesting (`[[[[...`) is refused before parsing: the YAML
    /// composer recurses once per level.
    static let maximumNesting = 16

    init(matchLabels: [String: String]) {
        self.matchLabels = matchLabels
    }

    /// Parses the selector text; throws `Invalid` with the reason (for the
    /// server log) when it is not a selector this mount can apply.
    init(parsing text: String) throws(Invalid) {
        guard !text.isEmpty else { throw Invalid(description: "namespace selector is empty") }
        guard text.utf8.count <= Self.maximumLength else { throw Invalid(description: "namespace selector is too long") }
        guard Self.nesting(of: text) <= Self.maximumNesting else { throw Invalid(description: "namespace selector is nested too deeply") }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw Invalid(description: "namespace selector is neither JSON nor YAML")
        }
        guard case .mapping(let top)? = node else { throw Invalid(description: "namespace selector is not an object") }
        var labels: [String: String] = [:]
        for (key, value) in top {
            switch key.string ?? "" {
            case "matchLabels":
                if case .scalar(let scalar) = value, scalar.string == "null" || scalar.string == "~" || scalar.string.isEmpty { continue }
                guard case .mapping(let members) = value else { throw Invalid(description: "matchLabels is not an object") }
                for (label, wanted) in members {
                    guard case .scalar(let name) = label, case .scalar(let scalar) = wanted else {
                        throw Invalid(description: "matchLabels values must be strings")
                    }
                    try Self.checkLabel(name.string, scalar.string)
                    labels[name.string] = scalar.string
                }
            case "matchExpressions":
                if case .scalar(let scalar) = value, scalar.string == "null" || scalar.string == "~" { continue }
                throw Invalid(description: "label selector match expressions are not supported")
            default:
                // Unknown members are ignored, as Go's JSON decoding ignores them.
                continue
            }
        }
        matchLabels = labels
    }

    /// Whether a namespace with `labels` is selected: every `matchLabels`
    /// entry is present with the same value.
    func selects(_ labels: [String: String]) -> Bool {
        matchLabels.allSatisfy { labels[$0.key] == $0.value }
    }

    /// The deepest bracket nesting in `text`, counted conservatively (quotes
    /// are not skipped, so a bracket in a string counts too).
    static func nesting(of text: String) -> Int {
        var depth = 0, deepest = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                depth += 1
                deepest = max(deepest, depth)
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                depth = max(0, depth - 1)
            }
        }
        return deepest
    }

    /// Kubernetes' syntax for a label key (an optional DNS-subdomain prefix and
    /// a name of at most 63 characters) and value (at most 63, possibly empty),
    /// which `LabelSelectorAsSelector` checks too.
    static func checkLabel(_ key: String, _ value: String) throws(Invalid) {
        let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts.count == 2 ? parts[1] : parts[0]
        if parts.count == 2 {
            let prefix = parts[0]
            guard !prefix.isEmpty, prefix.utf8.count <= 253,
                prefix.utf8.allSatisfy({ isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
            else { throw Invalid(description: "invalid label key prefix") }
        }
        guard isQualifiedName(name, allowEmpty: false) else { throw Invalid(description: "invalid label key") }
        guard isQualifiedName(Substring(value), allowEmpty: true) else { throw Invalid(description: "invalid label value") }
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63 characters.
    private static func isQualifiedName(_ text: Substring, allowEmpty: Bool) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last else { return allowEmpty }
        guard bytes.count <= 63, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
