/// An error in HCL source (syntax, or a value of the wrong type found by a typed accessor),
/// carrying the position so callers can show `At 3:14: ...` to the author of the file.
///
/// Messages never echo more than a short excerpt of the input, so they are safe to return
/// to API clients that submitted the document.
package struct HCLParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line of the offending text.
    package var line: Int
    /// 1-based column (in Unicode scalars) of the offending text.
    package var column: Int
    /// Human-readable explanation without the position prefix.
    package var message: String

    package init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    package init(at position: HCLPosition, _ message: String) {
        self.init(line: position.line, column: position.column, message: message)
    }

    /// Where the error happened.
    package var position: HCLPosition { HCLPosition(line: line, column: column) }

    /// `At line:column: message`, the format HashiCorp tools use for HCL errors.
    package var description: String { "At \(line):\(column): \(message)" }
}
