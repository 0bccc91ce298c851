import Foundation

/// Writes JSON the way Go's encoding/json does: compact, map keys sorted,
/// `<`, `>` and `&` escaped, and fixed-order objects for envelopes.
package struct JSONWriter {
    /// Bytes are gathered in an array (cheap single-byte appends) and handed out as `Data` once.
    package private(set) var bytes: [UInt8] = []

    package var output: Data { Data(bytes) }

    /// Room for a typical stored record or response, so writing one rarely
    /// regrows the array.
    package init() {
        bytes.reserveCapacity(1024)
    }

    package mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .int(let number): append(String(number))
        case .double(let number): writeDouble(number)
        case .string(let text): writeString(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            // Sort the keys alone and look each value up: no array of pairs.
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(key)
                bytes.append(UInt8(ascii: ":"))
                write(members[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// An object whose keys keep the given order (Go structs keep field order).
    package mutating func writeOrdered(_ members: [(String, JSONValue)]) {
        bytes.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(member.0)
            bytes.append(UInt8(ascii: ":"))
            write(member.1)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Opens an object member: `{` before the first (`first` is then cleared),
    /// `,` before the others, then `"name":`. Close the object with `}`.
    package mutating func key(_ name: String, first: inout Bool) {
        bytes.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        first = false
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// A list of strings, without a `JSONValue` made for it.
    package mutating func write(_ strings: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (index, text) in strings.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(text)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A map of strings, keys sorted, without a `JSONValue` made for it.
    package mutating func write(_ map: [String: String]) {
        bytes.append(UInt8(ascii: "{"))
        for (index, name) in map.keys.sorted().enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(name)
            bytes.append(UInt8(ascii: ":"))
            writeString(map[name]!)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    package mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    package mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Bytes that already are JSON (a part written earlier), copied as they are.
    package mutating func appendJSON(_ json: [UInt8]) {
        bytes.append(contentsOf: json)
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
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escaping: copy their bytes in one go. (0xE2 leads
        // U+2028 and U+2029, which Go escapes.)
        var text = text
        let copied: Bool = text.withUTF8 { buffer in
            for byte in buffer
            where byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x3C || byte == 0x3E || byte == 0x26 || byte == 0xE2 {
                return false
            }
            bytes.append(contentsOf: buffer)
            return true
        }
        if copied {
            bytes.append(UInt8(ascii: "\""))
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
                    bytes.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
