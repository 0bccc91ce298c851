import Foundation

/// An `environment:` entry whose value is a literal block scalar (`KEY: |`), such as a PEM key
/// pasted into a CircleCI config: the lines to delete, and how to read the value back.
struct BlockScalarEntry: Equatable {
    /// The `KEY: |` line.
    let keyLine: Int
    /// The block's first and last content lines.
    let firstLine: Int
    let lastLine: Int
    /// Bytes of indentation YAML strips from every content line.
    let indent: Int
    /// `|-`: the value has no final line break.
    let strip: Bool

    /// The entry of `key` whose block holds the lines `span`, or nil when the lines are not such
    /// a block: folded (`>`) and keep (`|+`) scalars change the text in ways a line copy would
    /// not reproduce, so they stay for a person.
    static func find(in edits: LineEdits, key: String, yamlPath: String, span: ClosedRange<Int>) -> BlockScalarEntry? {
        guard let start = edits.line(span.lowerBound) else { return nil }
        let startIndent = indentation(start)
        var number = span.lowerBound - 1
        while let line = edits.line(number), isBlank(line) || indentation(line) >= startIndent { number -= 1 }
        guard let keyText = edits.line(number), MigrationPlanner.isKeyLine(keyText, key: key, yamlPath: yamlPath),
            let colon = keyText.firstIndex(of: ":")
        else { return nil }
        let indicator = keyText[keyText.index(after: colon)...].split(separator: "#").first?.trimmingCharacters(in: .whitespaces)
        guard indicator == "|" || indicator == "|-" else { return nil }
        let keyIndent = indentation(keyText)
        var first: Int? = nil
        var last = number
        var next = number + 1
        while let line = edits.line(next) {
            if !isBlank(line) {
                guard indentation(line) > keyIndent else { break }
                if first == nil { first = next }
                last = next
            }
            next += 1
        }
        guard let first, let firstText = edits.line(first), first <= span.lowerBound, last >= span.upperBound else { return nil }
        return BlockScalarEntry(
            keyLine: number, firstLine: first, lastLine: last, indent: indentation(firstText), strip: indicator == "|-")
    }

    /// An awk program printing the block's value as YAML reads it: indentation stripped, one
    /// line break per line (the last one dropped for `|-`).
    var awkProgram: String {
        let range = "NR>=\(firstLine) && NR<=\(lastLine)"
        if strip { return "\(range) {printf \"%s%s\", sep, substr($0, \(indent + 1)); sep=\"\\n\"}" }
        return "\(range) {print substr($0, \(indent + 1))}"
    }

    private static func indentation(_ line: String) -> Int { line.utf8.prefix { $0 == UInt8(ascii: " ") }.count }

    private static func isBlank(_ line: String) -> Bool { line.utf8.allSatisfy { $0 == UInt8(ascii: " ") } }
}
