import Testing

@testable import CofferHCL

/// Syntax errors: each must name the exact line and column and read clearly.
@Suite struct HCLErrorTests {
    /// Parses `source`, expecting failure, and returns the error.
    private func parseError(_ source: String) -> HCLParseError? {
        #expect(throws: HCLParseError.self) { try HCLParser.parse(source) }
    }

    @Test func missingEqualsAfterKey() {
        let error = parseError(
            """
            path "a" {
              capabilities = ["read"]
              policy "write"
            }
            """)
        #expect(error?.line == 4)
        #expect(error?.column == 1)
        #expect(error?.description == #"At 4:1: expected '{' after block header "policy" "write", found '}'"#)
    }

    @Test func missingValueOnPreviousLinePointsAtTheStrayWord() {
        let error = parseError(
            """
            ui = true
            disable_mlock
            api_addr = "x"
            """)
        #expect(error?.description == #"At 3:1: expected '=' or '{' after key "disable_mlock", found identifier "api_addr""#)
    }

    @Test func missingEqualsOrBraceAtEndOfInput() {
        let error = parseError("ui = true\nstorage")
        #expect(error?.description == #"At 2:8: unexpected end of input, expected '=' or '{' after key "storage""#)
    }

    @Test func unterminatedStringPointsAtOpeningQuote() {
        let error = parseError("a = 1\nb = \"abc\nc = 2")
        #expect(error?.line == 2)
        #expect(error?.column == 5)
        #expect(error?.message.hasPrefix("unterminated string") == true)
    }

    @Test func unclosedBlockNamesWhereItOpened() {
        let error = parseError("path \"a\" {\n  capabilities = []\n")
        #expect(error?.description == #"At 3:1: unexpected end of input: block "path" "a" opened at 1:10 is not closed with '}'"#)
    }

    @Test func unclosedListNamesWhereItOpened() {
        let error = parseError("capabilities = [\"read\",\n")
        #expect(error?.description == #"At 2:1: unexpected end of input: list "capabilities" opened at 1:16 is not closed with ']'"#)
    }

    @Test func missingCommaInList() {
        let error = parseError("a = [1 2]")
        #expect(error?.description == #"At 1:8: expected ',' or ']' in list "a", found number 2"#)
    }

    @Test func unquotedValue() {
        let error = parseError("listener \"tcp\" {\n  address = localhost\n}")
        #expect(
            error?.description
                == #"At 2:13: expected a value for "address", found identifier "localhost"; quote text values, e.g. "localhost""#)
    }

    @Test func unquotedDurationIsOneBadNumber() {
        let error = parseError("ttl = 10s")
        #expect(error?.description == #"At 1:7: invalid number "10s"; quote text values, e.g. "10s""#)
    }

    @Test func missingValueAtEndOfInput() {
        let error = parseError("a =")
        #expect(error?.description == #"At 1:4: unexpected end of input, expected a value for "a""#)
    }

    @Test func unknownEscape() {
        let error = parseError(#"path = "C:\temp\x""#)
        #expect(error?.line == 1)
        #expect(error?.column == 16)
        #expect(error?.message.hasPrefix(#"unknown escape sequence '\x'"#) == true)
    }

    @Test func badUnicodeEscape() {
        let error = parseError(#"a = "\u12""#)
        #expect(error?.description == #"At 1:6: invalid Unicode escape: expected 4 hex digits after '\u'"#)
    }

    @Test func unterminatedHeredocAndComment() {
        #expect(parseError("a = 1\nb = <<EOF\ntext\n")?.description == #"At 2:5: unterminated heredoc: no closing line "EOF" found"#)
        #expect(parseError("a = 1 /* open")?.description == "At 1:7: unterminated comment: '/*' has no matching '*/'")
    }

    @Test func jsonStyleColonGetsAHint() {
        #expect(parseError("\"a\": 1")?.description == "At 1:4: unexpected ':'; HCL assigns values with '='")
    }

    @Test func strayClosingBrace() {
        #expect(parseError("a = 1\n}")?.description == "At 2:1: unexpected '}' with no matching '{'")
    }

    @Test func integerOutOfRange() {
        #expect(parseError("a = 99999999999999999999")?.description == "At 1:5: integer 99999999999999999999 is out of range")
    }

    @Test func blockLabelsFollowedByNonObjectValue() {
        #expect(parseError("path \"x\" = 5")?.description == #"At 1:12: expected '{' after '=' in block header "path" "x", found number 5"#)
    }

    @Test func deepNestingIsRejectedNotCrashed() {
        let hostile = "a = " + String(repeating: "[", count: 10_000)
        let error = parseError(hostile)
        #expect(error?.message == "nesting is deeper than \(HCLParser.maximumDepth) levels")
        let fine = "a = " + String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
        #expect(throws: Never.self) { try HCLParser.parse(fine) }
    }
}
