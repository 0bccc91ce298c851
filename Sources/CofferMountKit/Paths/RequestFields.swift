import CofferEncoding
import Foundation

/// Typed access to a request's data, with the coercions Vault clients rely on
/// (spec/vault-api.md §1.5): numbers and booleans as strings, lists as comma
/// strings, durations in every spelling, maps as JSON text.
package struct RequestFields: Sendable {
    package let raw: [String: JSONValue]

    package init(_ raw: [String: JSONValue]) { self.raw = raw }

    package func has(_ name: String) -> Bool { raw[name] != nil && raw[name] != .null }

    package func string(_ name: String) throws -> String? {
        guard let value = raw[name] else { return nil }
        switch value {
        case .null: return nil
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return String(flag)
        default: throw FieldError(field: name, reason: "expected a string")
        }
    }

    package func int(_ name: String) throws -> Int64? {
        guard let value = raw[name] else { return nil }
        switch value {
        case .null: return nil
        case .int(let number): return number
        // `1e19` or `1e300` in a body: a whole double that does not fit is refused,
        // never converted (the conversion would trap).
        case .double(let number):
            guard let whole = Int64(checking: number) else {
                throw FieldError(field: name, reason: "cannot parse '\(name)' as int: value \(number) is not an integer in range")
            }
            return whole
        case .string(let text):
            if text.isEmpty { return 0 }
            if let number = Int64(text) { return number }
            let reason =
                text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) ? "value out of range" : "invalid syntax"
            throw FieldError(field: name, reason: "cannot parse '\(name)' as int: strconv.ParseInt: parsing \"\(text)\": \(reason)")
        default: throw FieldError(field: name, reason: "expected an integer")
        }
    }

    package func bool(_ name: String) throws -> Bool? {
        guard let value = raw[name] else { return nil }
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        case .string(let text):
            switch text.lowercased() {
            case "1", "t", "true": return true
            case "0", "f", "false", "": return false
            default:
                throw FieldError(
                    field: name, reason: "cannot parse '\(name)' as bool: strconv.ParseBool: parsing \"\(text)\": invalid syntax")
            }
        default: throw FieldError(field: name, reason: "expected a boolean")
        }
    }

    /// Seconds, from an integer, a numeric string or a Go duration string.
    package func duration(_ name: String) throws -> Int64? {
        guard let value = raw[name] else { return nil }
        switch value {
        case .null: return nil
        // Bounded to what Go can hold, as Vault refuses longer ones: a TTL of
        // 2^63-1 seconds must not reach `now + ttl` and back.
        case .int(let number):
            guard GoDuration.inRange(number) else { throw Self.durationOverflow(name) }
            return number
        case .double(let number):
            guard let whole = Int64(checking: number) else {
                throw FieldError(field: name, reason: "time: invalid duration \"\(number)\"")
            }
            guard GoDuration.inRange(whole) else { throw Self.durationOverflow(name) }
            return whole
        case .string(let text):
            if let whole = Int64(text), !GoDuration.inRange(whole) { throw Self.durationOverflow(name) }
            guard let seconds = GoDuration.seconds(from: text) else {
                throw FieldError(field: name, reason: "time: invalid duration \"\(text)\"")
            }
            return seconds
        default: throw FieldError(field: name, reason: "expected a duration")
        }
    }

    /// Vault's answer to whole seconds too many for a Go duration.
    private static func durationOverflow(_ name: String) -> FieldError {
        FieldError(field: name, reason: "multiplication of durations resulted in overflow, one operand may be too large")
    }

    /// A list from an array, a comma-separated string, or a single value.
    package func stringList(_ name: String) throws -> [String]? {
        guard let value = raw[name] else { return nil }
        switch value {
        case .null: return nil
        case .array(let elements):
            return try elements.map { element in
                switch element {
                case .string(let text): return text
                case .int(let number): return String(number)
                case .bool(let flag): return String(flag)
                default: throw FieldError(field: name, reason: "expected a list of strings")
                }
            }
        case .string(let text):
            if text.isEmpty { return [] }
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        case .int(let number): return [String(number)]
        default: throw FieldError(field: name, reason: "expected a list of strings")
        }
    }

    /// A map from an object, or from a string holding a JSON object.
    ///
    /// OpenBao refuses the string form; we accept it because `bao write ... k=@file.json`
    /// sends it and the guide's commands depend on it (spec/vault-api.md §1.5).
    package func map(_ name: String) throws -> [String: JSONValue]? {
        guard let value = raw[name] else { return nil }
        switch value {
        case .null: return nil
        case .object(let members): return members
        case .string(let text):
            if text.isEmpty { return [:] }
            if let parsed = try? JSONValue.parse(Data(text.utf8)), case .object(let members) = parsed {
                return members
            }
            throw FieldError(field: name, reason: "'' expected type 'map[string]interface {}', got unconvertible type 'string'")
        default:
            throw FieldError(field: name, reason: "'' expected type 'map[string]interface {}', got unconvertible type")
        }
    }
}
