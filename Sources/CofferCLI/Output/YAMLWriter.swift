import CofferEncoding
import CofferMountKit
import Foundation

/// `-format=yaml`: JSON turned into YAML as Vault's CLI does (ghodss/yaml over
/// go-yaml v2): keys sorted, lists not indented under their key, strings quoted
/// only where a plain scalar would read back as something else.
enum YAMLWriter {
    static func render(_ value: JSONValue) -> String {
        var lines: [String] = []
        emit(value, indent: 0, into: &lines)
        return lines.joined(separator: "\n")
    }

    private static func emit(_ value: JSONValue, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let members) where !members.isEmpty:
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                let name = scalar(.string(key))
                if let inline = inlineForm(member) {
                    lines.append("\(pad)\(name): \(inline)")
                } else if case .array = member {
                    lines.append("\(pad)\(name):")
                    emit(member, indent: indent, into: &lines)
                } else {
                    lines.append("\(pad)\(name):")
                    emit(member, indent: indent + 2, into: &lines)
                }
            }
        case .array(let items) where !items.isEmpty:
            for item in items {
                if let inline = inlineForm(item) {
                    lines.append("\(pad)- \(inline)")
                } else {
                    var nested: [String] = []
                    emit(item, indent: indent + 2, into: &nested)
                    guard let first = nested.first else { continue }
                    lines.append("\(pad)- " + first.dropFirst(indent + 2))
                    lines += nested.dropFirst()
                }
            }
        default:
            lines.append(pad + (inlineForm(value) ?? ""))
        }
    }

    /// The one-line form of a scalar or an empty collection; nil for the rest.
    private static func inlineForm(_ value: JSONValue) -> String? {
        switch value {
        case .object(let members): return members.isEmpty ? "{}" : nil
        case .array(let items): return items.isEmpty ? "[]" : nil
        default: return scalar(value)
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return String(flag)
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return needsQuotes(text) ? quoted(text) : text
        case .array, .object: return ""
        }
    }

    private static let reserved: Set<String> = ["", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"]

    private static func needsQuotes(_ text: String) -> Bool {
        if reserved.contains(text.lowercased()) || Double(text) != nil { return true }
        if text.first == " " || text.last == " " { return true }
        if let first = text.first, "-?:,[]{}#&*!|>'\"%@`".contains(first) { return true }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") { return true }
        return text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }
    }

    private static func quoted(_ text: String) -> String {
        String(decoding: JSONValue.string(text).serialized(), as: UTF8.self)
    }
}
