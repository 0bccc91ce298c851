/// Scanning of the literal tokens (quoted strings, heredocs, numbers), kept apart from the
/// token dispatch because each has its own escape or termination rules.
extension HCLLexer {
    // MARK: Quoted strings

    /// Scans `"..."`, resolving escapes. Like HCL1, a string cannot span lines, and text inside
    /// `${ ... }` is copied verbatim (quotes there do not end the string).
    mutating func scanQuotedString() throws(HCLParseError) -> String {
        let start = position
        advance()  // opening quote
        var text = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw HCLParseError(at: start, "unterminated string: missing closing '\"'")
            }
            switch scalar {
            case "\"":
                advance()
                return String(text)
            case "\n":
                throw HCLParseError(
                    at: start, "unterminated string: missing closing '\"' before end of line (use a heredoc for multi-line text)")
            case "\\":
                text.append(contentsOf: try scanEscape(stringStart: start).unicodeScalars)
            case "$" where peek(1) == "{":
                try copyInterpolation(into: &text, stringStart: start)
            default:
                text.append(scalar)
                advance()
            }
        }
    }

    /// Copies a `${ ... }` sequence unchanged, tracking nested braces as HCL1 does.
    private mutating func copyInterpolation(
        into text: inout String.UnicodeScalarView, stringStart: HCLPosition
    ) throws(HCLParseError) {
        text.append(contentsOf: "${".unicodeScalars)
        advance()
        advance()
        var depth = 1
        repeat {
            guard let scalar = peek() else {
                throw HCLParseError(at: stringStart, "unterminated string: '${' has no matching '}'")
            }
            if scalar == "{" { depth += 1 }
            if scalar == "}" { depth -= 1 }
            text.append(scalar)
            advance()
        } while depth > 0
    }

    /// Resolves one backslash escape; the lexer is on the backslash.
    private mutating func scanEscape(stringStart: HCLPosition) throws(HCLParseError) -> String {
        let start = position
        advance()  // backslash
        guard let scalar = peek() else {
            throw HCLParseError(at: stringStart, "unterminated string: missing closing '\"'")
        }
        let simple: String? =
            switch scalar {
            case "n": "\n"
            case "t": "\t"
            case "r": "\r"
            case "\"": "\""
            case "\\": "\\"
            case "a": "\u{07}"
            case "b": "\u{08}"
            case "f": "\u{0C}"
            case "v": "\u{0B}"
            default: nil
            }
        if let simple {
            advance()
            return simple
        }
        guard scalar == "u" || scalar == "U" else {
            throw HCLParseError(
                at: start,
                "unknown escape sequence '\\\(Character(scalar))' in string (write a literal backslash as '\\\\')")
        }
        let code = try scanHexEscape(start: start)
        // JSON habits produce UTF-16 surrogate pairs such as \uD83D\uDE00; join them.
        if (0xD800...0xDBFF).contains(code), peek() == "\\", peek(1) == "u" {
            let lowStart = position
            advance()
            let low = try scanHexEscape(start: lowStart)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw HCLParseError(at: start, "invalid Unicode escape: unpaired surrogate")
            }
            let combined = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            return String(Character(Unicode.Scalar(combined)!))
        }
        guard let decoded = Unicode.Scalar(code) else {
            throw HCLParseError(at: start, "invalid Unicode escape: U+\(String(code, radix: 16, uppercase: true)) is not a valid character")
        }
        return String(Character(decoded))
    }

    /// Reads the hex digits of `\uXXXX` or `\UXXXXXXXX`; the lexer is on the `u`/`U`.
    private mutating func scanHexEscape(start: HCLPosition) throws(HCLParseError) -> UInt32 {
        let long = peek() == "U"
        let count = long ? 8 : 4
        advance()
        var code: UInt32 = 0
        for _ in 0..<count {
            guard let scalar = peek(), let digit = Self.hexValue(scalar) else {
                throw HCLParseError(
                    at: start, "invalid Unicode escape: expected \(count) hex digits after '\\\(long ? "U" : "u")'")
            }
            code = code &* 16 &+ digit
            advance()
        }
        return code
    }

    static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 48
        case "a"..."f": scalar.value - 87
        case "A"..."F": scalar.value - 55
        default: nil
        }
    }

    // MARK: Heredocs

    /// Scans `<<EOF` / `<<-EOF` through the closing anchor line. The text keeps its final
    /// newline, as in HCL1. With `<<-` the anchor may be indented, and that indentation is
    /// removed from every line (left untouched if some line is indented less).
    mutating func scanHeredoc() throws(HCLParseError) -> String {
        let start = position
        advance()
        advance()
        let indented = peek() == "-"
        if indented { advance() }

        var anchor = String.UnicodeScalarView()
        while let scalar = peek(), Self.isIdentifierPart(scalar) {
            anchor.append(scalar)
            advance()
        }
        let anchorName = String(anchor)
        guard !anchorName.isEmpty else {
            throw HCLParseError(at: position, "expected a heredoc anchor after '<<', e.g. <<EOF")
        }
        if peek() == "\r" && peek(1) == "\n" { advance() }
        guard peek() == "\n" else {
            throw HCLParseError(at: position, "heredoc anchor \"\(anchorName)\" must be followed by a new line")
        }
        advance()

        var lines: [String] = []
        while true {
            guard peek() != nil else {
                throw HCLParseError(
                    at: start, "unterminated heredoc: no closing line \"\(anchorName)\" found")
            }
            // Read one line without consuming its newline, so a closing anchor leaves the
            // newline to the whitespace skipper and the next token's position stays right.
            var lineScalars = String.UnicodeScalarView()
            while let scalar = peek(), scalar != "\n" {
                lineScalars.append(scalar)
                advance()
            }
            var line = String(lineScalars)
            if line.hasSuffix("\r") { line.removeLast() }  // CRLF files
            let candidate = indented ? Self.trimmingLeadingBlanks(line) : Substring(line)
            if Self.trimmingTrailingBlanks(candidate) == anchorName {
                let indentation = String(line.prefix(line.count - candidate.count))
                return Self.heredocText(lines, removing: indented ? indentation : "")
            }
            lines.append(line)
            advance()  // the newline; at end of input this does nothing and the guard above fires
        }
    }

    private static func heredocText(_ lines: [String], removing indentation: String) -> String {
        guard !lines.isEmpty else { return "" }
        var result = lines
        if !indentation.isEmpty {
            let isBlank = { (line: String) in line.allSatisfy { $0 == " " || $0 == "\t" } }
            // Blank lines are exempt: editors strip trailing spaces from them.
            if lines.allSatisfy({ isBlank($0) || $0.hasPrefix(indentation) }) {
                result = lines.map { isBlank($0) && !$0.hasPrefix(indentation) ? "" : String($0.dropFirst(indentation.count)) }
            }
        }
        return result.joined(separator: "\n") + "\n"
    }

    private static func trimmingLeadingBlanks(_ text: String) -> Substring {
        text.drop { $0 == " " || $0 == "\t" }
    }

    private static func trimmingTrailingBlanks(_ text: Substring) -> Substring {
        var end = text.endIndex
        while end > text.startIndex {
            let before = text.index(before: end)
            guard text[before] == " " || text[before] == "\t" else { break }
            end = before
        }
        return text[..<end]
    }

    // MARK: Numbers

    /// Scans an integer (`42`, `-7`, `0x1F`) or float (`1.5`, `1e3`). The whole run of
    /// word characters is taken first, so `10s` is reported as one bad number (a forgotten
    /// pair of quotes) rather than as `10` followed by a stray `s`.
    mutating func scanNumber() throws(HCLParseError) -> (HCLValue, String) {
        let start = position
        var scalars = String.UnicodeScalarView()
        if peek() == "-" {
            scalars.append("-")
            advance()
        }
        while let scalar = peek() {
            let last = scalars.last
            let isExponentSign =
                (scalar == "+" || scalar == "-") && (last == "e" || last == "E")
                && !String(scalars).lowercased().contains("x")
            guard Self.isIdentifierPart(scalar) || isExponentSign else { break }
            // A '-' inside a number only makes sense as an exponent sign.
            if scalar == "-" && !isExponentSign { break }
            scalars.append(scalar)
            advance()
        }
        let text = String(scalars)
        guard let value = Self.numberValue(text) else {
            if Self.looksLikeInteger(text) {
                throw HCLParseError(at: start, "integer \(text) is out of range")
            }
            throw HCLParseError(
                at: start, "invalid number \(HCLToken.quoted(text)); quote text values, e.g. \(HCLToken.quoted(text))")
        }
        return (value, text)
    }

    /// Converts validated number text; nil for malformed or out-of-range numbers.
    private static func numberValue(_ text: String) -> HCLValue? {
        let negative = text.hasPrefix("-")
        let unsigned = negative ? text.dropFirst() : Substring(text)
        if unsigned.hasPrefix("0x") || unsigned.hasPrefix("0X") {
            let digits = unsigned.dropFirst(2)
            guard !digits.isEmpty, digits.unicodeScalars.allSatisfy({ hexValue($0) != nil }),
                let magnitude = UInt64(digits, radix: 16)
            else { return nil }
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
                return .int(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
            }
            guard let value = Int64(exactly: magnitude) else { return nil }
            return .int(value)
        }
        guard isDecimalNumber(unsigned) else { return nil }
        if looksLikeInteger(text) {
            // Leading zeros are read as decimal, not as HCL1's octal: "0644" meaning 420
            // surprises far more people than it helps.
            return Int64(text).map(HCLValue.int)
        }
        guard let value = Double(text), value.isFinite else { return nil }
        return .double(value)
    }

    private static func looksLikeInteger(_ text: String) -> Bool {
        let unsigned = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return !unsigned.isEmpty && unsigned.unicodeScalars.allSatisfy(isDigit)
    }

    /// Matches `digits [. digits] [(e|E) [+|-] digits]`.
    private static func isDecimalNumber(_ text: Substring) -> Bool {
        var scalars = text.unicodeScalars[...]
        func digits() -> Bool {
            let count = scalars.prefix(while: isDigit).count
            scalars = scalars.dropFirst(count)
            return count > 0
        }
        guard digits() else { return false }
        if scalars.first == "." {
            scalars = scalars.dropFirst()
            guard digits() else { return false }
        }
        if scalars.first == "e" || scalars.first == "E" {
            scalars = scalars.dropFirst()
            if scalars.first == "+" || scalars.first == "-" { scalars = scalars.dropFirst() }
            guard digits() else { return false }
        }
        return scalars.isEmpty
    }
}
