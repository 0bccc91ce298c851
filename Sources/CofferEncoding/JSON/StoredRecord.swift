import Foundation

/// A record kept behind the barrier as a JSON object written field by field.
///
/// Records on the login path (tokens, leases) use this instead of Foundation's
/// Codable coders: those cost more than the rest of creating a token. Dates are
/// seconds since the reference date, as a Double, so they read back exactly.
package struct StoredRecord {
    /// The JSON text so far: fields are written as they are set, not gathered first.
    private var writer = JSONWriter()
    private var isEmpty = true

    package init() {}

    package mutating func set(_ key: String, _ value: JSONValue) {
        writer.key(key, first: &isEmpty)
        writer.write(value)
    }

    package mutating func set(_ key: String, _ text: String?) {
        if let text { set(key, .string(text)) }
    }

    package mutating func set(_ key: String, _ number: Int64) {
        set(key, .int(number))
    }

    package mutating func set(_ key: String, _ flag: Bool) {
        set(key, .bool(flag))
    }

    package mutating func set(_ key: String, _ date: Date?) {
        if let date { set(key, .double(date.timeIntervalSinceReferenceDate)) }
    }

    package mutating func set(_ key: String, _ strings: [String]?) {
        guard let strings else { return }
        writer.key(key, first: &isEmpty)
        writer.write(strings)
    }

    package mutating func set(_ key: String, _ map: [String: String]?) {
        guard let map else { return }
        writer.key(key, first: &isEmpty)
        writer.write(map)
    }

    /// The JSON text, fields in the order they were set.
    package var data: Data {
        var finished = writer
        finished.append(isEmpty ? "{}" : "}")
        return finished.output
    }
}

/// Typed reads of a `StoredRecord`; a missing or mistyped required field is an
/// error naming the record and the field.
package struct StoredFields {
    private let record: String
    private let members: [String: JSONValue]

    package init(_ data: Data, record: String) throws {
        guard case .object(let members) = try JSONValue.parse(data) else { throw Self.corrupt(record, "the record") }
        self.record = record
        self.members = members
    }

    package func value(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    package func string(_ key: String) throws -> String {
        guard let text = optionalString(key) else { throw Self.corrupt(record, key) }
        return text
    }

    package func optionalString(_ key: String) -> String? {
        value(key)?.stringValue
    }

    package func int(_ key: String) throws -> Int64 {
        switch value(key) {
        case .int(let number): return number
        // Stored data is input too: a whole double too large for Int64 is a
        // corrupt field, not a trap.
        case .double(let number):
            guard let whole = Int64(checking: number) else { throw Self.corrupt(record, key) }
            return whole
        default: throw Self.corrupt(record, key)
        }
    }

    package func bool(_ key: String) throws -> Bool {
        guard case .bool(let flag) = value(key) else { throw Self.corrupt(record, key) }
        return flag
    }

    package func date(_ key: String) throws -> Date {
        guard let date = optionalDate(key) else { throw Self.corrupt(record, key) }
        return date
    }

    package func optionalDate(_ key: String) -> Date? {
        switch value(key) {
        case .int(let seconds): return Date(timeIntervalSinceReferenceDate: TimeInterval(seconds))
        case .double(let seconds): return Date(timeIntervalSinceReferenceDate: seconds)
        default: return nil
        }
    }

    package func strings(_ key: String) -> [String]? {
        value(key)?.arrayValue?.compactMap(\.stringValue)
    }

    package func stringMap(_ key: String) -> [String: String]? {
        value(key)?.objectValue?.compactMapValues(\.stringValue)
    }

    private static func corrupt(_ record: String, _ field: String) -> StoredRecordError {
        StoredRecordError(description: "stored \(record): \(field) is missing or malformed")
    }
}

package struct StoredRecordError: Error, CustomStringConvertible {
    package let description: String

    package init(description: String) {
        self.description = description
    }
}
