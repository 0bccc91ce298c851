/// A named ACL policy: its text as written and its rules, compiled once on write.
package struct Policy: Sendable, Equatable {
    package var name: String
    package var text: String
    package var rules: [PolicyRule]
    /// Rules whose path holds `{{identity...}}` parameters, parsed once and
    /// resolved per token's entity when its ACL is built.
    package var templatedRules: [PolicyRule] = []

    /// Names are lowercased on write and on lookup (spec/jwt-auth.md §5.8).
    package static func normalize(_ name: String) -> String {
        // Most names are already lowercase ASCII: skip the Unicode-aware pass.
        name.utf8.allSatisfy({ $0 < 0x80 && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }) ? name : name.lowercased()
    }

    /// A name as an auth method's role gives it: ASCII white space around it
    /// dropped, then normalized.
    package static func trimmedAndNormalized(_ name: String) -> String {
        let isBlank = { (byte: UInt8) in byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        let utf8 = name.utf8
        guard let first = utf8.firstIndex(where: { !isBlank($0) }), let last = utf8.lastIndex(where: { !isBlank($0) }) else { return "" }
        if first == utf8.startIndex, last == utf8.index(before: utf8.endIndex) { return normalize(name) }
        return normalize(String(name[first...last]))
    }
}
