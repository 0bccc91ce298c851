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
        let all = [("Key", "Value"), ("---", "-----")] + rows
        let width = all.map(\.0.count).max() ?? 0
        return all.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "    " + $0.1 }.joined(separator: "\n")
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
