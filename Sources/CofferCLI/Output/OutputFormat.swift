import CofferMountKit
import Foundation

/// Prints answers as Vault's CLI does: a Key/Value table, JSON, or one field raw.
enum OutputFormat: String {
    case table, json

    /// Resolves `-format`, falling back to `VAULT_FORMAT`.
    static func resolve(_ flag: String?) -> OutputFormat {
        let value = flag ?? ProcessInfo.processInfo.environment["VAULT_FORMAT"] ?? "table"
        return OutputFormat(rawValue: value.lowercased()) ?? .table
    }

    static func json(_ value: JSONValue) -> String {
        String(decoding: pretty(value), as: UTF8.self)
    }

    /// Indented JSON, keys sorted, as `-format=json` prints it.
    private static func pretty(_ value: JSONValue) -> Data {
        let data = value.serialized()
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
              let text = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return data }
        return text
    }

    /// A two-column table with Vault's `Key`/`Value` header.
    static func table(_ rows: [(String, String)]) -> String {
        columns(header: ["Key", "Value"], rows: rows.map { [$0.0, $0.1] })
    }

    /// Columns as Vault's CLI prints them: the header, a dashed rule under each
    /// name, every column but the last padded, four spaces between.
    static func columns(header: [String], rows: [[String]]) -> String {
        let all = [header, header.map { String(repeating: "-", count: $0.count) }] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
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
        case .object(let members): return "map[" + members.sorted { $0.key < $1.key }.map { "\($0.key):\(cell($0.value))" }.joined(separator: " ") + "]"
        }
    }
}
