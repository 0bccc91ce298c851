/// A `key = value` item, with the positions callers need to point at the key, the value,
/// or one element of a list value.
///
/// Positions are source metadata: they are excluded from `==` so that value trees compare
/// by content.
package struct HCLAttribute: Equatable, Sendable {
    /// The key, unquoted (`path`, or `foo` for `"foo" = []`).
    package var name: String
    /// The parsed value.
    package var value: HCLValue
    /// Where the key starts.
    package var position: HCLPosition
    /// Where the value starts (the `"`, `[`, `{`, `<<`, or first digit).
    package var valuePosition: HCLPosition
    /// Where each element of a list value starts; empty for non-list values. Lets callers say
    /// which capability in `capabilities = [...]` is unknown.
    package var elementPositions: [HCLPosition]

    package init(
        name: String,
        value: HCLValue,
        position: HCLPosition,
        valuePosition: HCLPosition? = nil,
        elementPositions: [HCLPosition] = []
    ) {
        self.name = name
        self.value = value
        self.position = position
        self.valuePosition = valuePosition ?? position
        self.elementPositions = elementPositions
    }

    package static func == (lhs: HCLAttribute, rhs: HCLAttribute) -> Bool {
        lhs.name == rhs.name && lhs.value == rhs.value
    }

    /// An error positioned at the key, e.g. for "unknown key".
    package func error(_ message: String) -> HCLParseError {
        HCLParseError(at: position, message)
    }

    /// An error positioned at the value, e.g. for "must be a boolean".
    package func valueError(_ message: String) -> HCLParseError {
        HCLParseError(at: valuePosition, message)
    }

    /// An error positioned at list element `index`, falling back to the value's position
    /// when the index is out of range (for example on a synthesized attribute).
    package func elementError(at index: Int, _ message: String) -> HCLParseError {
        let where_ = elementPositions.indices.contains(index) ? elementPositions[index] : valuePosition
        return HCLParseError(at: where_, message)
    }
}
