/// Recursive-descent parser for HCL1 documents (Vault server configs and ACL policies).
///
/// Grammar, as accepted (separators between items are optional, as in HCL1, so
/// `listener "tcp" { address = "x" tls_disable = true }` parses):
///
///     body      = { item [","] }
///     item      = key "=" value                  (attribute)
///               | key { label } ["="] "{" body "}" (block; `path "x" = { }` is accepted too)
///     key/label = identifier | quoted-string
///     value     = string | heredoc | number | true | false
///               | "[" [ value { "," value } [","] ] "]" | "{" body "}"
package struct HCLParser {
    /// Deepest allowed nesting of blocks, objects and lists. Policies arrive over the API, so
    /// a hostile `[[[[...` must fail with an error instead of exhausting the stack.
    package static let maximumDepth = 100

    private var lexer: HCLLexer
    /// The one token of lookahead the grammar needs.
    private var token: HCLToken
    private var depth = 0

    /// Parses a whole document.
    package static func parse(_ source: String) throws(HCLParseError) -> HCLBody {
        var parser = try HCLParser(source)
        return try parser.parseBody(closing: nil)
    }

    private init(_ source: String) throws(HCLParseError) {
        lexer = HCLLexer(source)
        token = try lexer.nextToken()
    }

    private mutating func advance() throws(HCLParseError) {
        token = try lexer.nextToken()
    }

    /// What an open `{` or `[` belongs to, for "not closed" messages.
    private struct Opener {
        var description: String
        var position: HCLPosition
    }

    /// An error at the current token: "expected X, found Y", or an end-of-input variant.
    private func expected(_ what: String) -> HCLParseError {
        if token.kind == .endOfInput {
            return HCLParseError(at: token.position, "unexpected end of input, expected \(what)")
        }
        return HCLParseError(at: token.position, "expected \(what), found \(token.summary)")
    }

    private func notClosed(_ opener: Opener, by closer: String) -> HCLParseError {
        HCLParseError(
            at: token.position,
            "unexpected end of input: \(opener.description) opened at \(opener.position) is not closed with '\(closer)'")
    }

    private mutating func enterNesting() throws(HCLParseError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw HCLParseError(at: token.position, "nesting is deeper than \(Self.maximumDepth) levels")
        }
    }

    // MARK: Bodies and items

    /// Parses items up to the `}` matching `opener` (consumed), or to end of input at top level.
    private mutating func parseBody(closing opener: Opener?) throws(HCLParseError) -> HCLBody {
        var items: [HCLItem] = []
        while true {
            switch token.kind {
            case .endOfInput:
                if let opener { throw notClosed(opener, by: "}") }
                return HCLBody(items: items)
            case .rightBrace:
                guard opener != nil else {
                    throw HCLParseError(at: token.position, "unexpected '}' with no matching '{'")
                }
                try advance()
                return HCLBody(items: items)
            case .identifier, .string:
                items.append(try parseItem())
                if token.kind == .comma { try advance() }
            default:
                throw expected(opener == nil ? "a key" : "a key or '}'")
            }
        }
    }

    /// The text of a key or label token, or nil if the token cannot be one.
    private static func keyText(_ kind: HCLToken.Kind) -> String? {
        switch kind {
        case .identifier(let name): name
        case .string(let text): text
        default: nil
        }
    }

    /// Parses one item; the current token is its first key.
    private mutating func parseItem() throws(HCLParseError) -> HCLItem {
        let keyToken = token
        let key = Self.keyText(keyToken.kind) ?? ""
        try advance()

        var labels: [String] = []
        var labelTokens: [HCLToken] = []
        while let label = Self.keyText(token.kind) {
            labels.append(label)
            labelTokens.append(token)
            try advance()
        }
        let header = ([key] + labels).map(HCLToken.quoted).joined(separator: " ")

        switch token.kind {
        case .leftBrace:
            return .block(try parseBlock(type: key, at: keyToken.position, labels: labelTokens))
        case .equals where labels.isEmpty:
            try advance()
            let valuePosition = token.position
            let (value, elementPositions) = try parseValue(for: key)
            return .attribute(
                HCLAttribute(
                    name: key, value: value, position: keyToken.position,
                    valuePosition: valuePosition, elementPositions: elementPositions))
        case .equals:
            try advance()
            if token.kind == .leftBrace {
                return .block(try parseBlock(type: key, at: keyToken.position, labels: labelTokens))
            }
            if let error = Self.misplacedLabelError(key: key, labels: labelTokens) { throw error }
            throw expected("'{' after '=' in block header \(header)")
        default:
            if let error = Self.misplacedLabelError(key: key, labels: labelTokens) { throw error }
            throw expected(labels.isEmpty ? "'=' or '{' after key \(header)" : "'{' after block header \(header)")
        }
    }

    /// Unquoted labels are legal HCL1 but rare; when an item fails to parse, an unquoted word
    /// in label position almost always means the previous line lacks its `=` or value, so the
    /// error points there rather than at some later token.
    private static func misplacedLabelError(key: String, labels: [HCLToken]) -> HCLParseError? {
        guard let index = labels.firstIndex(where: { if case .identifier = $0.kind { true } else { false } }) else {
            return nil
        }
        let previous = index == 0 ? key : keyText(labels[index - 1].kind) ?? ""
        return HCLParseError(
            at: labels[index].position,
            "expected '=' or '{' after key \(HCLToken.quoted(previous)), found \(labels[index].summary)")
    }

    /// Parses `{ body }` for a block; the current token is the `{`.
    private mutating func parseBlock(
        type: String, at position: HCLPosition, labels: [HCLToken]
    ) throws(HCLParseError) -> HCLBlock {
        let names = labels.map { Self.keyText($0.kind) ?? "" }
        let description = "block " + ([type] + names).map(HCLToken.quoted).joined(separator: " ")
        let opener = Opener(description: description, position: token.position)
        try enterNesting()
        try advance()
        let body = try parseBody(closing: opener)
        depth -= 1
        return HCLBlock(
            type: type, labels: names, body: body, position: position,
            labelPositions: labels.map(\.position))
    }

    // MARK: Values

    /// Parses a value; also returns each element's position when it is a list.
    private mutating func parseValue(for key: String) throws(HCLParseError) -> (HCLValue, [HCLPosition]) {
        let start = token
        switch token.kind {
        case .string(let text), .heredoc(let text):
            try advance()
            return (.string(text), [])
        case .number(let value, _):
            try advance()
            return (value, [])
        case .identifier("true"):
            try advance()
            return (.bool(true), [])
        case .identifier("false"):
            try advance()
            return (.bool(false), [])
        case .identifier(let word):
            throw HCLParseError(
                at: start.position,
                "expected a value for \(HCLToken.quoted(key)), found \(start.summary); quote text values, e.g. \(HCLToken.quoted(word))")
        case .leftBracket:
            return try parseList(for: key)
        case .leftBrace:
            let opener = Opener(description: "object \(HCLToken.quoted(key))", position: start.position)
            try enterNesting()
            try advance()
            let body = try parseBody(closing: opener)
            depth -= 1
            return (.object(body), [])
        default:
            throw expected("a value for \(HCLToken.quoted(key))")
        }
    }

    /// Parses `[ a, b, ]`; the current token is the `[`. Newlines are insignificant, and a
    /// trailing comma is allowed.
    private mutating func parseList(for key: String) throws(HCLParseError) -> (HCLValue, [HCLPosition]) {
        let opener = Opener(description: "list \(HCLToken.quoted(key))", position: token.position)
        try enterNesting()
        try advance()
        var elements: [HCLValue] = []
        var positions: [HCLPosition] = []
        while true {
            if token.kind == .rightBracket { break }
            if token.kind == .endOfInput { throw notClosed(opener, by: "]") }
            positions.append(token.position)
            elements.append(try parseValue(for: key).0)
            switch token.kind {
            case .comma:
                try advance()
            case .rightBracket:
                break
            case .endOfInput:
                throw notClosed(opener, by: "]")
            default:
                throw expected("',' or ']' in list \(HCLToken.quoted(key))")
            }
        }
        try advance()  // the ']'
        depth -= 1
        return (.list(elements), positions)
    }
}
