/// A 1-based line and column in HCL source text, used to point users at the offending spot.
///
/// Columns count Unicode scalars, not bytes, so a line containing non-ASCII text still
/// reports the column a person would count in an editor for most scripts.
package struct HCLPosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// 1-based line number.
    package var line: Int
    /// 1-based column number, in Unicode scalars.
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// Renders as `line:column`, the form used in every error message.
    package var description: String { "\(line):\(column)" }

    package static func < (lhs: HCLPosition, rhs: HCLPosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}
