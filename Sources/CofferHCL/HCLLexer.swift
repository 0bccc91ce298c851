/// Turns HCL source into tokens on demand, skipping whitespace and comments.
///
/// Tokens are produced lazily so that errors are reported in source order: a syntax error on
/// line 2 is shown before a bad escape on line 40.
struct HCLLexer {
    /// The source as scalars: random access by index keeps scanning simple and linear.
    let scalars: [Unicode.Scalar]
    var index = 0
    var line = 1
    var column = 1

    init(_ source: String) {
        var scalars = Array(source.unicodeScalars)
        // Editors on Windows may prepend a byte-order mark; it is not part of the document.
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        self.scalars = scalars
    }

    /// The position of the next unread scalar.
    var position: HCLPosition { HCLPosition(line: line, column: column) }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let target = index + offset
        return target < scalars.count ? scalars[target] : nil
    }

    /// Consumes one scalar, keeping line and column in step.
    mutating func advance() {
        guard index < scalars.count else { return }
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    /// Scans the next token; returns `.endOfInput` (repeatedly) once the source is exhausted.
    mutating func nextToken() throws(HCLParseError) -> HCLToken {
        try skipWhitespaceAndComments()
        let start = position
        guard let scalar = peek() else { return HCLToken(kind: .endOfInput, position: start) }

        let punctuation: HCLToken.Kind? =
            switch scalar {
            case "=": .equals
            case "{": .leftBrace
            case "}": .rightBrace
            case "[": .leftBracket
            case "]": .rightBracket
            case ",": .comma
            default: nil
            }
        if let punctuation {
            advance()
            return HCLToken(kind: punctuation, position: start)
        }

        if scalar == "\"" {
            return HCLToken(kind: .string(try scanQuotedString()), position: start)
        }
        if scalar == "<" && peek(1) == "<" {
            return HCLToken(kind: .heredoc(try scanHeredoc()), position: start)
        }
        if Self.isDigit(scalar) || (scalar == "-" && peek(1).map(Self.isDigit) == true) {
            let (value, text) = try scanNumber()
            return HCLToken(kind: .number(value, text: text), position: start)
        }
        if Self.isIdentifierStart(scalar) {
            return HCLToken(kind: .identifier(scanIdentifier()), position: start)
        }
        throw HCLParseError(at: start, Self.unexpectedCharacterMessage(scalar))
    }

    /// Skips spaces, newlines and the three comment styles (`#`, `//`, `/* */`).
    private mutating func skipWhitespaceAndComments() throws(HCLParseError) {
        while let scalar = peek() {
            switch scalar {
            case " ", "\t", "\r", "\n":
                advance()
            case "#":
                skipToEndOfLine()
            case "/" where peek(1) == "/":
                skipToEndOfLine()
            case "/" where peek(1) == "*":
                let start = position
                advance()
                advance()
                // Block comments do not nest in HCL1, so the first `*/` closes it.
                while !(peek() == "*" && peek(1) == "/") {
                    guard peek() != nil else {
                        throw HCLParseError(at: start, "unterminated comment: '/*' has no matching '*/'")
                    }
                    advance()
                }
                advance()
                advance()
            default:
                return
            }
        }
    }

    private mutating func skipToEndOfLine() {
        while let scalar = peek(), scalar != "\n" { advance() }
    }

    /// Scans a bare word: letters, digits, `_`, `-` and `.`, starting with a letter or `_`.
    private mutating func scanIdentifier() -> String {
        var name = String.UnicodeScalarView()
        while let scalar = peek(), Self.isIdentifierPart(scalar) {
            name.append(scalar)
            advance()
        }
        return String(name)
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        // HCL1 accepts Unicode letters in identifiers, not just ASCII.
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
            || (scalar.value > 0x7F && scalar.properties.isAlphabetic)
    }

    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        isLetter(scalar) || scalar == "_"
    }

    static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || isDigit(scalar) || scalar == "-" || scalar == "."
    }

    /// Explains a stray character, with a hint for the JSON and shell habits that cause most of them.
    private static func unexpectedCharacterMessage(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case ":":
            return "unexpected ':'; HCL assigns values with '='"
        case "'":
            return "unexpected \"'\"; HCL strings use double quotes"
        case "/":
            return "unexpected '/'; comments start with '#', '//' or '/*'"
        case "-":
            return "unexpected '-'; keys must start with a letter or '_', or be quoted"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                return "unexpected character U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)"
            }
            return "unexpected character '\(Character(scalar))'"
        }
    }
}
