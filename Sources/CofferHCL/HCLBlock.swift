/// A `type "label" ... { body }` item, such as `path "secret/*" { ... }` or
/// `listener "tcp" { ... }`.
///
/// Positions are source metadata: they are excluded from `==` so that value trees compare
/// by content.
package struct HCLBlock: Equatable, Sendable {
    /// The block type: the first key (`path`, `storage`, `listener`).
    package var type: String
    /// The remaining keys, unquoted (`["secret/*"]`, `["tcp"]`); empty for `telemetry { }`.
    package var labels: [String]
    /// The items between the braces.
    package var body: HCLBody
    /// Where the type keyword starts.
    package var position: HCLPosition
    /// Where each label starts, parallel to `labels`.
    package var labelPositions: [HCLPosition]

    package init(
        type: String,
        labels: [String] = [],
        body: HCLBody,
        position: HCLPosition,
        labelPositions: [HCLPosition]? = nil
    ) {
        self.type = type
        self.labels = labels
        self.body = body
        self.position = position
        self.labelPositions = labelPositions ?? Array(repeating: position, count: labels.count)
    }

    /// The first label, which is all most block types (`path`, `storage`, `seal`) have.
    package var label: String? { labels.first }

    package static func == (lhs: HCLBlock, rhs: HCLBlock) -> Bool {
        lhs.type == rhs.type && lhs.labels == rhs.labels && lhs.body == rhs.body
    }

    /// An error positioned at the block type, e.g. for "unknown block".
    package func error(_ message: String) -> HCLParseError {
        HCLParseError(at: position, message)
    }

    /// An error positioned at label `index` (e.g. "invalid path"), or at the type when the
    /// block has no such label.
    package func labelError(at index: Int = 0, _ message: String) -> HCLParseError {
        let where_ = labelPositions.indices.contains(index) ? labelPositions[index] : position
        return HCLParseError(at: where_, message)
    }
}
