import CofferEncoding
import Foundation
import Testing

/// The JSON reader and writer every request body, stored record and answer goes
/// through: what Vault clients send must read the same, and what we write must
/// read as Go's encoding/json writes it.
@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

    @Test("objects, arrays, literals and nesting read as written")
    func shapes() throws {
        let value = try parse(#" { "a" : [1, -2, 2.5, true, false, null], "b": {"c": "d"}, "e": [] } "#)
        #expect(value == ["a": [1, -2, .double(2.5), true, false, .null], "b": ["c": "d"], "e": []])
    }

    @Test("whole numbers that fit are integers; others are doubles")
    func numbers() throws {
        #expect(try parse("9223372036854775807") == .int(Int64.max))
        #expect(try parse("-9223372036854775808") == .int(Int64.min))
        #expect(try parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try parse("1e3") == .double(1000))
        #expect(try parse("0.5") == .double(0.5))
    }

    @Test("string escapes, including surrogate pairs, decode to the characters they name")
    func escapes() throws {
        #expect(try parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\n\té😀"))
    }

    @Test(
        "malformed documents are refused with a reason, never a crash",
        arguments: [
            "", "{", "[1,", #"{"a" 1}"#, #"{"a":1,}"#, "[1 2]", "tru", "nul", #""abc"#, #""\x""#, #""\u12""#,
            "\"a\u{01}b\"", "1 2", "{} x", "-", "1e999", "[" + String(repeating: "[", count: 600) + "]",
        ])
    func malformed(_ text: String) {
        #expect(throws: JSONParseError.self) { _ = try parse(text) }
    }

    @Test("nesting up to the depth limit reads; one level more is refused")
    func depth() throws {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { _ = try parse(deep) }
        let deeper = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(throws: JSONParseError.self) { _ = try parse(deeper) }
    }
}

@Suite struct JSONWriterTests {
    func written(_ value: JSONValue) -> String { String(decoding: value.serialized(), as: UTF8.self) }

    @Test("objects are written compact with keys sorted, as Go writes maps")
    func sortedKeys() {
        #expect(written(["b": 1, "a": [true, .null], "c": ["z": "y"]]) == #"{"a":[true,null],"b":1,"c":{"z":"y"}}"#)
    }

    @Test("HTML characters, controls and line separators are escaped as Go escapes them")
    func escapes() {
        #expect(written("<a&b>") == #""\u003ca\u0026b\u003e""#)
        #expect(written("q\"s\\\n\r\t\u{01}") == #""q\"s\\\n\r\t\u0001""#)
        #expect(written("\u{2028}\u{2029}é") == #""\u2028\u2029é""#)
    }

    @Test("whole doubles are written without a fraction; others as Swift prints them; non-finite as null")
    func doubles() {
        #expect(written(.double(3)) == "3")
        #expect(written(.double(2.5)) == "2.5")
        #expect(written(.double(1e300)) == "1e+300")
        #expect(written(.double(.nan)) == "null")
        #expect(written(.double(.infinity)) == "null")
    }

    @Test("fixed-order objects keep the order given (Go structs keep field order)")
    func ordered() {
        var writer = JSONWriter()
        writer.writeOrdered([("z", 1), ("a", "x")])
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"z":1,"a":"x"}"#)
    }

    @Test("what the writer writes, the parser reads back the same")
    func roundTrip() throws {
        let value: JSONValue = [
            "text": "<tag> & \"quote\" \u{2028} 😀", "list": [1, .double(2.5), -3, false], "empty": [:], "nothing": .null,
        ]
        #expect(try JSONValue.parse(value.serialized()) == value)
    }
}
