import Foundation

/// Writes JSON the way Go's encoding/json does: compact, map keys sorted,
/// `<`, `>` and `&` escaped, and fixed-order objects for envelopes.
package struct JSONWriter {
    package private(set) var output = Data()

    package init() {}

    package mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .int(let number): append(String(number))
        case .double(let number): writeDouble(number)
        case .string(let text): writeString(text)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            writeOrdered(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
    }

    /// An object whose keys keep the given order (Go structs keep field order).
    package mutating func writeOrdered(_ members: [(String, JSONValue)]) {
        output.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            writeString(member.0)
            output.append(UInt8(ascii: ":"))
            write(member.1)
        }
        output.append(UInt8(ascii: "}"))
    }

    package mutating func append(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    private mutating func writeDouble(_ number: Double) {
        if number.isFinite, number == number.rounded(), abs(number) < 1e15 {
            append(String(Int64(number)))
        } else if number.isFinite {
            append(String(number))
        } else {
            append("null")
        }
    }

    private mutating func writeString(_ text: String) {
        output.append(UInt8(ascii: "\""))
        let utf8 = text.utf8
        // Most strings need no escaping: copy their bytes in one go. (0xE2 leads
        // U+2028 and U+2029, which Go escapes.)
        if !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0xE2 }) {
            output.append(contentsOf: utf8)
            output.append(UInt8(ascii: "\""))
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": append("\\\"")
            case "\\": append("\\\\")
            case "\n": append("\\n")
            case "\r": append("\\r")
            case "\t": append("\\t")
            case "<": append("\\u003c")
            case ">": append("\\u003e")
            case "&": append("\\u0026")
            case "\u{2028}": append("\\u2028")
            case "\u{2029}": append("\\u2029")
            default:
                if scalar.value < 0x20 {
                    append("\\u00" + Hex.encode([UInt8(scalar.value)]))
                } else {
                    output.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
