import CofferHCL
import Foundation

/// `policy fmt`: each `path` block with its keys one per line, two-space indent,
/// `=` aligned, blank line between blocks. Comments do not survive; the parser
/// keeps none.
enum PolicyFormatter {
    static func format(_ text: String) throws -> String {
        let body: HCLBody
        do {
            body = try HCLParser.parse(text)
        } catch {
            throw CLIError("failed to parse policy: \(error)")
        }
        var blocks: [String] = []
        for item in body.items {
            switch item {
            case .block(let block):
                blocks.append(formatBlock(block))
            case .attribute(let attribute):
                blocks.append("\(attribute.name) = \(render(attribute.value, indent: 0))")
            }
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    private static func formatBlock(_ block: HCLBlock) -> String {
        let labels = block.labels.map { " \(quote($0))" }.joined()
        let width = block.body.attributes.map(\.name.count).max() ?? 0
        let lines = block.body.items.map { item -> String in
            switch item {
            case .attribute(let attribute):
                return "  " + attribute.name.padding(toLength: width, withPad: " ", startingAt: 0) + " = "
                    + render(attribute.value, indent: 2)
            case .block(let nested):
                return formatBlock(nested).split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(
                    separator: "\n")
            }
        }
        return "\(block.type)\(labels) {\n" + lines.joined(separator: "\n") + "\n}"
    }

    private static func render(_ value: HCLValue, indent: Int) -> String {
        switch value {
        case .string(let text): return quote(text)
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return String(flag)
        case .list(let items): return "[" + items.map { render($0, indent: indent) }.joined(separator: ", ") + "]"
        case .object(let body):
            let pad = String(repeating: " ", count: indent + 2)
            let members = body.attributes.map { "\(pad)\(quote($0.name)) = \(render($0.value, indent: indent + 2))" }
            return "{\n" + members.joined(separator: "\n") + "\n" + String(repeating: " ", count: indent) + "}"
        }
    }

    private static func quote(_ text: String) -> String {
        "\""
            + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(
                of: "\n", with: "\\n") + "\""
    }
}
