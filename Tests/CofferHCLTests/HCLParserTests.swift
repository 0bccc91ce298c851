import Testing

@testable import CofferHCL

/// Syntax coverage: value kinds, separators, comments, strings, heredocs and positions.
@Suite struct HCLParserTests {
    @Test func parsesScalarAttributes() throws {
        let body = try HCLParser.parse(
            """
            name = "coffer"
            port = 8200
            negative = -7
            hex = 0x1F
            ratio = 1.5
            big = 1e3
            enabled = true
            disabled = false
            """)
        #expect(body["name"] == .string("coffer"))
        #expect(body["port"] == .int(8200))
        #expect(body["negative"] == .int(-7))
        #expect(body["hex"] == .int(31))
        #expect(body["ratio"] == .double(1.5))
        #expect(body["big"] == .double(1000))
        #expect(body["enabled"] == .bool(true))
        #expect(body["disabled"] == .bool(false))
        #expect(body.names == ["name", "port", "negative", "hex", "ratio", "big", "enabled", "disabled"])
    }

    @Test func parsesListsWithNewlinesAndTrailingComma() throws {
        let body = try HCLParser.parse(
            """
            empty = []
            one_line = ["a", "b"]
            multi = [
              "read",   # a comment inside a list
              "list",
            ]
            nested = [[1, 2], [], {k = "v"}]
            """)
        #expect(body["empty"] == [])
        #expect(body["one_line"] == ["a", "b"])
        #expect(body["multi"] == ["read", "list"])
        let nested = try #require(body["nested"]?.listValue)
        #expect(nested.count == 3)
        #expect(nested[0] == [1, 2])
        #expect(nested[1] == [])
        #expect(nested[2].objectValue?["k"] == "v")
    }

    @Test func parsesObjectsWithCommasOrNewlines() throws {
        let body = try HCLParser.parse(
            """
            inline = { a = 1, b = "two", }
            spread = {
              a = 1
              "quoted key" = true
              deeper = { x = [] }
            }
            """)
        let inline = try #require(body["inline"]?.objectValue)
        #expect(inline.names == ["a", "b"])
        #expect(inline["b"] == "two")
        let spread = try #require(body["spread"]?.objectValue)
        #expect(spread["quoted key"] == true)
        #expect(spread["deeper"]?.objectValue?["x"] == [])
    }

    @Test func acceptsItemsWithoutSeparatorsOnOneLine() throws {
        let body = try HCLParser.parse(#"listener "tcp" { address = "127.0.0.1:8200" tls_disable = true }"#)
        let listener = try #require(body.blocks(ofType: "listener").first)
        #expect(listener.labels == ["tcp"])
        #expect(listener.body["address"] == "127.0.0.1:8200")
        #expect(listener.body["tls_disable"] == true)
    }

    @Test func skipsAllCommentStyles() throws {
        let body = try HCLParser.parse(
            """
            # hash comment
            a = 1 // line comment
            /* block
               comment = 5 */
            b = /* inline */ 2
            """)
        #expect(body.names == ["a", "b"])
        #expect(body["b"] == 2)
    }

    @Test func decodesStringEscapes() throws {
        let body = try HCLParser.parse(
            #"""
            s = "q\"uote \\ tab\tnl\n \u00e9 \uD83D\uDE00 \U0001F600"
            interpolated = "${var.x["y"]}"
            """#)
        #expect(body["s"] == .string("q\"uote \\ tab\tnl\n é 😀 😀"))
        // Text inside ${ } is kept verbatim, quotes included, as in HCL1.
        #expect(body["interpolated"] == .string(#"${var.x["y"]}"#))
    }

    @Test func parsesHeredocs() throws {
        let body = try HCLParser.parse(
            """
            plain = <<EOF
            line one
              line two
            EOF
            indented = <<-EOT
                first
                  second

                EOT
            empty = <<EOF
            EOF
            after = 1
            """)
        #expect(body["plain"] == .string("line one\n  line two\n"))
        #expect(body["indented"] == .string("first\n  second\n\n"))
        #expect(body["empty"] == .string(""))
        #expect(body.attribute(named: "after")?.position == HCLPosition(line: 12, column: 1))
    }

    @Test func acceptsCRLFLineEndingsAndByteOrderMark() throws {
        let body = try HCLParser.parse("\u{FEFF}a = 1\r\nb = <<EOF\r\nx\r\nEOF\r\n")
        #expect(body["a"] == 1)
        #expect(body["b"] == "x\n")
    }

    @Test func recordsPositionsOfKeysValuesLabelsAndElements() throws {
        let body = try HCLParser.parse(
            """
            ui = true
            path "secret/*" {
              capabilities = ["read",
                "bogus"]
            }
            """)
        let ui = try #require(body.attribute(named: "ui"))
        #expect(ui.position == HCLPosition(line: 1, column: 1))
        #expect(ui.valuePosition == HCLPosition(line: 1, column: 6))

        let path = try #require(body.blocks(ofType: "path").first)
        #expect(path.position == HCLPosition(line: 2, column: 1))
        #expect(path.labelPositions == [HCLPosition(line: 2, column: 6)])

        let capabilities = try #require(path.body.attribute(named: "capabilities"))
        #expect(capabilities.position == HCLPosition(line: 3, column: 3))
        #expect(capabilities.elementPositions == [HCLPosition(line: 3, column: 19), HCLPosition(line: 4, column: 5)])
        let error = capabilities.elementError(at: 1, #"unknown capability "bogus""#)
        #expect(error.description == #"At 4:5: unknown capability "bogus""#)
    }

    @Test func acceptsObjectAssignmentFormsOfBlocks() throws {
        let body = try HCLParser.parse(
            """
            path "a/*" = { capabilities = ["read"] }
            telemetry = { disable_hostname = true }
            """)
        let path = try #require(body.blocks(ofType: "path").first)
        #expect(path.labels == ["a/*"])
        #expect(path.body["capabilities"] == ["read"])
        // `telemetry = { }` is an attribute in the tree but reads as a label-less block.
        #expect(body.attribute(named: "telemetry") != nil)
        #expect(body.blocks(ofType: "telemetry").first?.body["disable_hostname"] == true)
        #expect(try body.object("telemetry")?["disable_hostname"] == true)
    }

    @Test func equalityIgnoresPositionsAndFormatting() throws {
        let compact = try HCLParser.parse(#"path "x" { capabilities = ["read"] }"#)
        let spread = try HCLParser.parse(
            """
            # same thing
            path "x" {
              capabilities = [
                "read",
              ]
            }
            """)
        #expect(compact == spread)
    }

    @Test func keepsDuplicateKeysAndReadsTheLast() throws {
        let body = try HCLParser.parse("a = 1\na = 2")
        #expect(body.attributes(named: "a").count == 2)
        #expect(body["a"] == 2)
    }

    @Test func indentedHeredocKeepsTextWhenALineIsLessIndentedThanTheAnchor() throws {
        let body = try HCLParser.parse("a = <<-EOF\n  x\ny\n  EOF\n")
        #expect(body["a"] == .string("  x\ny\n"))
    }

    @Test func acceptsUnquotedLabelsAndTopLevelCommas() throws {
        let body = try HCLParser.parse("listener tcp { address = \"a\" }, ui = true,")
        #expect(body.blocks(ofType: "listener").first?.labels == ["tcp"])
        #expect(body["ui"] == true)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let body = try HCLParser.parse("\"héllo\" = 1 b = 2")
        #expect(body.attribute(named: "b")?.position == HCLPosition(line: 1, column: 13))
    }

    @Test func objectLookupRejectsLabelledBlock() throws {
        let body = try HCLParser.parse("storage \"file\" {}")
        let error = #expect(throws: HCLParseError.self) { try body.object("storage") }
        #expect(error?.description == #"At 1:9: "storage" must be a block without labels"#)
        #expect(try body.object("absent") == nil)
    }
}
