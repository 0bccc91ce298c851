import Foundation

/// The SQL a role's statements become: `{{name}}`-style fields filled in, and
/// each statement cut at its semicolons unless it holds a block (`END`), as
/// OpenBao's PostgreSQL plugin does.
enum SQLStatements {
    /// The queries to run for `statements`, in order, with `values` substituted
    /// (`["name": ..., "password": ...]` fills `{{name}}` and `{{password}}`).
    static func queries(_ statements: [String], _ values: [String: String]) -> [String] {
        var queries: [String] = []
        for statement in statements {
            let filled = substituted(statement, values)
            if containsBlock(statement) {
                queries.append(filled)
                continue
            }
            for part in filled.split(separator: ";", omittingEmptySubsequences: true) {
                let query = part.trimmingCharacters(in: .whitespacesAndNewlines)
                if !query.isEmpty { queries.append(query) }
            }
        }
        return queries
    }

    /// Every `{{key}}` replaced by its value.
    static func substituted(_ statement: String, _ values: [String: String]) -> String {
        var text = statement
        for (key, value) in values { text = text.replacingOccurrences(of: "{{" + key + "}}", with: value) }
        return text
    }

    /// Whether the statement holds the word `END` outside quotes: a `DO` block
    /// or a function body, whose inner semicolons must not cut it.
    static func containsBlock(_ statement: String) -> Bool {
        var outside = ""
        var quote: Character?
        for character in statement {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else {
                outside.append(character)
            }
        }
        let words = outside.split { !($0.isLetter || $0.isNumber || $0 == "_") }
        return words.contains("END")
    }

    /// An identifier Coffer itself writes into SQL, always quoted (a `"` inside
    /// is doubled): OpenBao's CVE-2026-39946 was an unquoted schema name.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A string literal Coffer writes into SQL (`'` doubled).
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
