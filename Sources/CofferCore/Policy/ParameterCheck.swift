import CofferEncoding
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
    typealias Check = ACLDecision.Check

    /// The `required_parameters`, `denied_parameters` and `allowed_parameters`
    /// checks, stopping at the first failure. LIST and DELETE carry no parameters
    /// to check. Reports key names only, never values.
    static func checks(_ rule: PolicyRule, _ request: ACLRequest) -> [Check] {
        let constraints = rule.parameters, data = request.parameters
        if request.capability == .list || request.capability == .delete {
            return [ACL.check("parameters", "not checked for \(request.capability.sortedNames.joined())", "not checked", .skipped)]
        }
        if constraints.allowed == nil, constraints.denied == nil, constraints.required.isEmpty {
            return [ACL.check("parameters", "no parameter constraints", "not checked", .skipped)]
        }
        var checks = [required(constraints.required, data)]
        if checks[0].outcome == .failed { return checks }
        checks.append(denied(constraints.denied, data))
        if checks[1].outcome == .failed { return checks }
        checks.append(allowed(constraints.allowed, data))
        return checks
    }

    /// Vault looks a required key up in its lowercase spelling, exactly.
    private static func required(_ keys: [String], _ data: [String: JSONValue]) -> Check {
        let name = "required_parameters"
        guard !keys.isEmpty else { return ACL.check(name, "none required", "not checked", .skipped) }
        let expected = keys.map { "\"\($0)\"" }.joined(separator: ", ")
        let sentKeys = Set(data.keys.map(ByteString.init))
        if let missing = keys.first(where: { !sentKeys.contains(ByteString($0.lowercased())) }) {
            return ACL.check(name, expected, "\"\(missing)\" not sent", .failed)
        }
        return ACL.check(name, expected, "all sent", .passed)
    }

    private static func denied(_ map: [String: [String]]?, _ data: [String: JSONValue]) -> Check {
        let name = "denied_parameters"
        guard let denied = map.map(byteKeyed), !denied.isEmpty else { return ACL.check(name, "none denied", "not checked", .skipped) }
        let expected = "none of " + denied.keys.map { "\"\($0.string)\"" }.sorted().joined(separator: ", ") + " with a listed value"
        if data.isEmpty { return ACL.check(name, expected, "no parameters sent", .passed) }
        // `"*"` denies every parameter, whatever values it lists.
        if denied[ByteString("*")] != nil { return ACL.check(name, expected, "parameters sent where \"*\" is denied", .failed) }
        for (key, value) in data {
            if let values = denied[ByteString(key.lowercased())], valueInList(value, values) {
                return ACL.check(name, expected, "\"\(key)\" has a denied value", .failed)
            }
        }
        return ACL.check(name, expected, "no denied value sent", .passed)
    }

    private static func allowed(_ map: [String: [String]]?, _ data: [String: JSONValue]) -> Check {
        let name = "allowed_parameters"
        guard let allowed = map.map(byteKeyed), !allowed.isEmpty else { return ACL.check(name, "any parameter", "not checked", .skipped) }
        let expected = "only " + allowed.keys.map { "\"\($0.string)\"" }.sorted().joined(separator: ", ") + " with a listed value"
        if data.isEmpty { return ACL.check(name, expected, "no parameters sent", .passed) }
        let allowsAny = allowed[ByteString("*")] != nil
        if allowed.count == 1, allowsAny { return ACL.check(name, expected, "\"*\" allows any", .passed) }
        for (key, value) in data {
            if let values = allowed[ByteString(key.lowercased())] {
                if !valueInList(value, values) { return ACL.check(name, expected, "\"\(key)\" has a value not listed", .failed) }
            } else if !allowsAny {
                return ACL.check(name, expected, "\"\(key)\" is not allowed", .failed)
            }
        }
        return ACL.check(name, expected, "every parameter allowed", .passed)
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
