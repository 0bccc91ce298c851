/// One field a path takes: its name, its type, and the text `path-help` prints.
///
/// The table checks every declared field a request carries before the handler
/// runs, as OpenBao's framework does, so a value of the wrong type is refused
/// the same way on every path and the handler reads it without a second check.
package struct FieldSpec: Sendable {
    /// The types the handlers read, named as OpenBao's help names them.
    package enum Kind: Sendable {
        case string, int, bool, duration, list, map
    }

    package let name: String
    package let kind: Kind
    package let description: String
    /// Shown in help; the handler applies it (the table never fills fields in).
    package let defaultValue: String?
    /// The table leaves this field alone: a path capture (it comes from the URL,
    /// and a body field of the same name means nothing), or a value the handler
    /// checks with a message of its own (KV's `data` names the Go type it got).
    package let isUnchecked: Bool

    package init(_ name: String, _ kind: Kind, _ description: String, default defaultValue: String? = nil, unchecked: Bool = false) {
        self.name = name
        self.kind = kind
        self.description = description
        self.defaultValue = defaultValue
        self.isUnchecked = unchecked
    }

    /// A value the pattern captures from the path (`{name}`).
    package static func capture(_ name: String, _ description: String) -> FieldSpec {
        FieldSpec(name, .string, description, unchecked: true)
    }

    /// The type as help prints it.
    package var typeName: String {
        switch kind {
        case .string: "string"
        case .int: "int"
        case .bool: "bool"
        case .duration: "duration (sec)"
        case .list: "slice"
        case .map: "map"
        }
    }

    /// Throws the field's conversion error when the request's value cannot be read
    /// as this field's type; absent and null values pass.
    package func validate(_ fields: RequestFields) throws {
        guard !isUnchecked, fields.raw[name] != nil else { return }
        switch kind {
        case .string: _ = try fields.string(name)
        case .int: _ = try fields.int(name)
        case .bool: _ = try fields.bool(name)
        case .duration: _ = try fields.duration(name)
        case .list: _ = try fields.stringList(name)
        case .map: _ = try fields.map(name)
        }
    }
}
