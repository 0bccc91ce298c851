/// One sighting of a candidate value, before grouping into findings; holds the value, so never leaves the scanner.
struct Occurrence: Sendable {
    let ruleIndex: Int
    let value: [UInt8]
    /// The second component of a paired finding (AWS key id beside its secret).
    let pairedValue: [UInt8]?
    let span: MatchedSpan
    var location: FindingLocation
    /// Inline-ignore reason, when a marker suppressed it.
    var suppression: String?
    var migration: MigrationHint?
}
