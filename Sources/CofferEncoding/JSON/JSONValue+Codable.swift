import Foundation

extension JSONValue: Codable {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// Parses JSON text; the error says what Go's decoder would, since clients show it.
    package static func parse(_ data: Data) throws -> JSONValue {
        try JSONParser.parse(data)
    }

    package static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONParser.parse(bytes)
    }

    /// The compact JSON text of this value, object keys sorted as Go writes them.
    package func serialized() -> Data {
        var writer = JSONWriter()
        writer.write(self)
        return writer.output
    }
}

/// Why a request body is not JSON, worded as OpenBao words it (spec/vault-api.md §1.5).
package struct JSONParseError: Error, CustomStringConvertible {
    package let description: String

    init(message: String) {
        description = message
    }
}
