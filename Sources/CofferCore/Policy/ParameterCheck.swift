import CofferMountKit

/// Checks a request's top-level parameters against a rule's constraints
/// (spec/jwt-auth.md §5.7), in Vault's order (`policy/acl.go`): required, then
/// denied, then allowed.
///
/// Every key is checked as sent. The rule's keys are lowercase; each request key is
/// lowercased for the lookup but never merged with another: `{"TTL": a, "ttl": b}` is
/// two keys, and both must pass (folding them with "first wins" let a denied value
/// through). Keys and values compare as UTF-8 bytes, as Vault compares them.
enum ParameterCheck {
    static func allows(_ constraints: ParameterConstraints, _ data: [String: JSONValue]) -> Bool {
        if constraints.isEmpty { return true }
        // Vault looks a required key up in its lowercase spelling, exactly.
        let sentKeys = Set(data.keys.map(ByteString.init))
        for key in constraints.required where !sentKeys.contains(ByteString(key.lowercased())) {
            return false
        }
        if data.isEmpty { return true }
        if let denied = constraints.denied.map(byteKeyed), !denied.isEmpty {
            // `"*"` denies every parameter, whatever values it lists.
            if denied[ByteString("*")] != nil { return false }
            for (key, value) in data {
                if let values = denied[ByteString(key.lowercased())], valueInList(value, values) { return false }
            }
        }
        guard let allowed = constraints.allowed.map(byteKeyed), !allowed.isEmpty else { return true }
        let allowsAny = allowed[ByteString("*")] != nil
        if allowed.count == 1, allowsAny { return true }
        for (key, value) in data {
            if let values = allowed[ByteString(key.lowercased())] {
                if !valueInList(value, values) { return false }
            } else if !allowsAny {
                return false
            }
        }
        return true
    }

    private static func byteKeyed(_ map: [String: [String]]) -> [ByteString: [String]] {
        Dictionary(map.map { (ByteString($0.key), $0.value) }, uniquingKeysWith: { $0 + $1 })
    }

    /// An empty list allows any value; otherwise each sent value (each item of an
    /// array) must match an entry.
    private static func valueInList(_ value: JSONValue, _ patterns: [String]) -> Bool {
        if patterns.isEmpty { return true }
        let texts: [String]
        switch value {
        case .array(let items): texts = items.map(text)
        default: texts = [text(value)]
        }
        return texts.allSatisfy { text in patterns.contains { globMatches($0, text) } }
    }

    /// Vault's `GlobbedStringsMatch`: a leading and/or trailing `*` is a glob, compared
    /// as bytes. (An entry of `*` alone matches any value, as it did before.)
    private static func globMatches(_ pattern: String, _ text: String) -> Bool {
        if pattern == "*" { return true }
        let leading = pattern.hasBytePrefix("*"), trailing = pattern.hasByteSuffix("*")
        let bytes = Array(pattern.utf8)
        if leading, trailing, bytes.count >= 2 {
            let middle = bytes[1..<(bytes.count - 1)]
            if middle.isEmpty { return true }
            let haystack = Array(text.utf8)
            guard haystack.count >= middle.count else { return false }
            return (0...(haystack.count - middle.count)).contains { haystack[$0..<($0 + middle.count)].elementsEqual(middle) }
        }
        if trailing { return text.utf8.starts(with: bytes.dropLast()) }
        if leading { return text.utf8.reversed().starts(with: bytes.dropFirst().reversed()) }
        return text.bytesEqual(pattern)
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
