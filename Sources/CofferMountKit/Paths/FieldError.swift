/// A request field that could not be converted to the type its path declares.
package struct FieldError: Error, CustomStringConvertible {
    package let field: String
    package let reason: String

    package var description: String {
        "Field validation failed: error converting input for field \"\(field)\": \(reason)"
    }
}
