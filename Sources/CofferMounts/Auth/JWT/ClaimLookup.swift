import CofferEncoding
import CofferMountKit

/// Finding claims the way the JWT plugin does (spec/jwt-auth.md §3.7-3.8): a key
/// is a literal top-level claim name, even with `.` or `/` in it, unless it starts
/// with `/`, which makes it a JSON pointer (RFC 6901).
enum ClaimLookup {
    static func value(_ key: String, in claims: [String: JSONValue], pointer: Bool? = nil) -> JSONValue? {
        let isPointer = pointer ?? key.hasPrefix("/")
        guard isPointer else { return claims[key].flatMap { $0 == .null ? nil : $0 } }
        var current: JSONValue = .object(claims)
        for raw in key.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current == .null ? nil : current
    }

    /// A value as Go's `%v` prints it, for messages that quote a claim.
    static func goFormat(_ value: JSONValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let flag): return String(flag)
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return text
        case .array(let items): return "[" + items.map(goFormat).joined(separator: " ") + "]"
        case .object(let members):
            return "map[" + members.sorted { $0.key < $1.key }.map { "\($0.key):\(goFormat($0.value))" }.joined(separator: " ") + "]"
        }
    }
}
