/// One lexical token of HCL source with the position where it starts.
struct HCLToken: Sendable {
    /// What the token is; literal payloads are already decoded.
    enum Kind: Equatable, Sendable {
        /// A bare word: a key, `true`/`false`, or (invalidly) an unquoted value.
        case identifier(String)
        /// A double-quoted string, escapes resolved.
        case string(String)
        /// A `<<EOF` heredoc, indentation already removed for `<<-`.
        case heredoc(String)
        /// A numeric literal, with its source text for error messages.
        case number(HCLValue, text: String)
        case equals
        case leftBrace
        case rightBrace
        case leftBracket
        case rightBracket
        case comma
        case endOfInput
    }

    var kind: Kind
    var position: HCLPosition

    /// How the token reads in "found ..." error messages.
    var summary: String {
        switch kind {
        case .identifier(let name): "identifier \(Self.quoted(name))"
        case .string(let text): "string \(Self.quoted(Self.excerpt(text)))"
        case .heredoc: "heredoc"
        case .number(_, let text): "number \(text)"
        case .equals: "'='"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .comma: "','"
        case .endOfInput: "end of input"
        }
    }

    /// Cuts long text so error messages stay one readable line.
    static func excerpt(_ text: String) -> String {
        text.count > 40 ? String(text.prefix(40)) + "..." : text
    }

    /// Quotes text for messages, escaping quotes and control characters so a message never
    /// spans lines or smuggles terminal escapes.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
