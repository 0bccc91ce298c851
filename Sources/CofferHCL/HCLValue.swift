/// A parsed HCL value: the generic tree callers map onto their own configuration types.
///
/// Integers and floats are kept apart so `port = 8200` does not round-trip through `Double`.
/// Equality ignores source positions (see `HCLAttribute`), so two documents that say the
/// same thing compare equal even when formatted differently.
package enum HCLValue: Equatable, Sendable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case list([HCLValue])
    case object(HCLBody)

    /// A short name of the value's kind, for "must be a boolean, found list" messages.
    package var kindName: String {
        switch self {
        case .string: "string"
        case .int, .double: "number"
        case .bool: "boolean"
        case .list: "list"
        case .object: "object"
        }
    }

    /// The kind plus a short excerpt for scalars (`string "yes"`, `number 3`), for error messages.
    /// Long strings are cut so a message never repeats a whole heredoc back.
    package var summary: String {
        switch self {
        case .string(let text):
            return "string \(HCLToken.quoted(HCLToken.excerpt(text)))"
        case .int(let number): return "number \(number)"
        case .double(let number): return "number \(number)"
        case .bool(let flag): return "boolean \(flag)"
        case .list, .object: return kindName
        }
    }

    /// The value as text. Numbers and booleans are accepted too, because the HCL1 decoder
    /// that Vault uses turns `api_addr = 8200`-style scalars into strings.
    package var stringValue: String? {
        switch self {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .list, .object: nil
        }
    }

    /// The value as a boolean. Also accepts the strings Go's `strconv.ParseBool` accepts
    /// ("true", "1", "f", ...) and the integers 0 and 1, since Vault configs use all of them
    /// (`tls_disable = "true"`, `tls_disable = 1`).
    package var boolValue: Bool? {
        switch self {
        case .bool(let flag):
            return flag
        case .int(let number):
            return number == 0 ? false : number == 1 ? true : nil
        case .string(let text):
            switch text {
            case "1", "t", "T", "true", "TRUE", "True": return true
            case "0", "f", "F", "false", "FALSE", "False": return false
            default: return nil
            }
        case .double, .list, .object:
            return nil
        }
    }

    /// The value as an integer. Accepts integral floats (`1e3`) and decimal strings (`"8200"`),
    /// which Vault configs commonly quote.
    package var intValue: Int64? {
        switch self {
        case .int(let number):
            return number
        case .double(let number):
            // Truncate-and-compare instead of Int64(exactly:): the latter pulls in libm's
            // rounding functions, which this Foundation-free module does not link.
            guard number >= -0x1p63, number < 0x1p63 else { return nil }
            let truncated = Int64(number)
            return Double(truncated) == number ? truncated : nil
        case .string(let text):
            return Int64(text)
        case .bool, .list, .object:
            return nil
        }
    }

    /// The value as a floating-point number; integers and numeric strings are accepted.
    package var doubleValue: Double? {
        switch self {
        case .double(let number):
            return number
        case .int(let number):
            return Double(number)
        case .string(let text):
            // Double("nan") and Double("inf") parse, but no config means those by a string.
            guard let number = Double(text), number.isFinite else { return nil }
            return number
        case .bool, .list, .object:
            return nil
        }
    }

    /// The elements if this is a list.
    package var listValue: [HCLValue]? {
        if case .list(let elements) = self { return elements }
        return nil
    }

    /// The body if this is an object (`{ k = v }`).
    package var objectValue: HCLBody? {
        if case .object(let body) = self { return body }
        return nil
    }

    /// The elements as strings if this is a list whose elements are all scalars
    /// (for example `capabilities = ["read", "list"]`).
    package var stringListValue: [String]? {
        guard let elements = listValue else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard let text = element.stringValue else { return nil }
            strings.append(text)
        }
        return strings
    }
}

// Literal conformances exist so tests and callers can write `== ["read", "list"]`.
extension HCLValue: ExpressibleByStringLiteral {
    package init(stringLiteral value: String) { self = .string(value) }
}

extension HCLValue: ExpressibleByIntegerLiteral {
    package init(integerLiteral value: Int64) { self = .int(value) }
}

extension HCLValue: ExpressibleByFloatLiteral {
    package init(floatLiteral value: Double) { self = .double(value) }
}

extension HCLValue: ExpressibleByBooleanLiteral {
    package init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension HCLValue: ExpressibleByArrayLiteral {
    package init(arrayLiteral elements: HCLValue...) { self = .list(elements) }
}
