import CofferEncoding
import CofferMountKit
import Foundation

/// Prints answers as Vault's CLI does: a Key/Value table, JSON, or one field raw.
enum OutputFormat: String {
    case table, json, yaml

    /// Resolves `-format`, falling back to `VAULT_FORMAT` (or `BAO_FORMAT`).
    static func resolve(_ flag: String?) -> OutputFormat {
        let value = flag ?? EnvironmentLookup(environment: ProcessInfo.processInfo.environment)["FORMAT"] ?? "table"
        switch value.lowercased() {
        case "json": return .json
        case "yaml", "yml": return .yaml
        default: return .table
        }
    }

    /// A structured answer in the chosen machine format; nil for `table`.
    static func structured(_ value: JSONValue, _ format: OutputFormat) -> String? {
        switch format {
        case .json: return json(value)
        case .yaml: return YAMLWriter.render(value)
        case .table: return nil
        }
    }

    /// Indented JSON as Vault's CLI prints it: two spaces, `"key": value`, keys sorted.
    static func json(_ value: JSONValue) -> String {
        var out = ""
        writeJSON(value, indent: 0, into: &out)
        return out
    }

    private static func writeJSON(_ value: JSONValue, indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1), closing = String(repeating: "  ", count: indent)
        switch value {
        case .object(let members) where !members.isEmpty:
            out += "{\n"
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                out += pad + scalarJSON(.string(member.key)) + ": "
                writeJSON(member.value, indent: indent + 1, into: &out)
                out += index == members.count - 1 ? "\n" : ",\n"
            }
            out += closing + "}"
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += pad
                writeJSON(item, indent: indent + 1, into: &out)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += closing + "]"
        default:
            out += scalarJSON(value)
        }
    }

    private static func scalarJSON(_ value: JSONValue) -> String {
        String(decoding: value.serialized(), as: UTF8.self)
    }

    /// A two-column table with Vault's `Key`/`Value` header.
    static func table(_ rows: [(String, String)]) -> String {
        columns(header: ["Key", "Value"], rows: rows.map { [$0.0, $0.1] })
    }

    /// Columns as Vault's CLI prints them: the header, a dashed rule under each
    /// name, every column but the last padded, four spaces between.
    /// With no header, rows alone (`operator key-status`).
    static func columns(header: [String]?, rows: [[String]]) -> String {
        let all = (header.map { [$0, $0.map { String(repeating: "-", count: $0.count) }] } ?? []) + rows
        let count = all.first?.count ?? 0
        let widths = (0..<count).map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { $0 == row.count - 1 ? row[$0] : row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "    ")
        }.joined(separator: "\n")
    }

    /// A value as a table cell: strings bare, lists as `[a b]`, maps as `map[k:v]` (Go's %v).
    static func cell(_ value: JSONValue) -> String {
        switch value {
        case .null: return "n/a"
        case .bool(let flag): return String(flag)
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return text
        case .array(let items): return "[" + items.map(cell).joined(separator: " ") + "]"
        case .object(let members):
            return "map[" + members.sorted { $0.key < $1.key }.map { "\($0.key):\(cell($0.value))" }.joined(separator: " ") + "]"
        }
    }
}
