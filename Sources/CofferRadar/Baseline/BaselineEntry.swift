/// One accepted finding in a baseline file (spec §8). Holds a keyed hash, never a value.
public struct BaselineEntry: Sendable, Codable, Hashable {
    /// Why the finding is accepted.
    public enum Status: String, Sendable, Codable {
        case acceptedRisk = "accepted-risk"
        case falsePositive = "false-positive"
        case testFixture = "test-fixture"
        case migrated
    }

    public var ruleID: String
    public var valueHash: String
    /// Advisory only: matching is by `(rule_id, value_hash)`, so moves and renames do not re-alert.
    public var path: String
    public var line: Int
    public var commit: String?
    public var status: Status
    public var note: String
    public var addedBy: String
    public var addedAt: String

    public init(
        ruleID: String, valueHash: String, path: String, line: Int, commit: String? = nil,
        status: Status, note: String = "", addedBy: String, addedAt: String
    ) {
        self.ruleID = ruleID
        self.valueHash = valueHash
        self.path = path
        self.line = line
        self.commit = commit
        self.status = status
        self.note = note
        self.addedBy = addedBy
        self.addedAt = addedAt
    }

    enum CodingKeys: String, CodingKey {
        case path, line, commit, status, note
        case ruleID = "rule_id", valueHash = "value_hash", addedBy = "added_by", addedAt = "added_at"
    }
}
