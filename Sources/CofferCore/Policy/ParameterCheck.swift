import CofferMountKit

/// Checks a request's top-level parameters against a rule's constraints
/// (spec/jwt-auth.md §5.7): denied first, then required, then allowed.
enum ParameterCheck {
    static func allows(_ constraints: ParameterConstraints, _ data: [String: JSONValue]) -> Bool {
        if constraints.isEmpty { return true }
        let lowered = Dictionary(data.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        if let denied = constraints.denied {
            if let any = denied["*"], any.isEmpty, !lowered.isEmpty { return false }
            for (key, value) in lowered {
                guard let values = denied[key] else { continue }
                if values.isEmpty || matchesAny(value, values) { return false }
            }
        }
        for key in constraints.required where lowered[key.lowercased()] == nil {
            return false
        }
        if let allowed = constraints.allowed {
            for (key, value) in lowered {
                if let values = allowed[key] {
                    if !values.isEmpty, !matchesAny(value, values) { return false }
                } else if allowed["*"] == nil {
                    return false
                }
            }
        }
        return true
    }

    /// A value matches a list entry exactly, or by a leading or trailing `*` glob.
    private static func matchesAny(_ value: JSONValue, _ patterns: [String]) -> Bool {
        let texts: [String]
        switch value {
        case .array(let items): texts = items.map(text)
        default: texts = [text(value)]
        }
        return texts.allSatisfy { text in
            patterns.contains { pattern in
                if pattern == "*" { return true }
                if pattern.hasSuffix("*") { return text.hasPrefix(pattern.dropLast()) }
                if pattern.hasPrefix("*") { return text.hasSuffix(pattern.dropFirst()) }
                return text == pattern
            }
        }
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        case .null: ""
        default: String(decoding: value.serialized(), as: UTF8.self)
        }
    }
}
