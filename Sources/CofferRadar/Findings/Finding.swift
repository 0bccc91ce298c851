/// A secret value found by one rule at one path, with every place it occurs (spec §1, §13).
///
/// Never holds the value: only its keyed hash and the redacted form.
public struct Finding: Sendable, Codable {
    /// Stable id: first 16 hex of `HMAC(K, rule_id ‖ value_hash ‖ path)`.
    public var id: String
    public var ruleID: String
    public var family: RuleFamily
    public var description: String
    public var severity: Severity
    public var valueHash: String
    public var redacted: String
    public var entropy: Double
    public var tags: [String]
    public var suppressed: Bool
    public var suppressionReason: String?
    /// Set when a baseline entry matched (`accepted-risk`, `false-positive`, …).
    public var baselineStatus: String?
    /// Still present at the tip of the default branch (git) or in the scanned tree (always true there).
    public var inHead: Bool
    /// Git mode: the commit that first added it and the last one that removed it.
    public var firstCommit: String?
    public var removedInCommit: String?
    public var locations: [FindingLocation]
    public var migration: MigrationHint?
    public var remediation: String
    /// Where Coffer stores this value, when correlation found it (spec §11).
    public var coffer: CofferSecretRef? = nil
    /// The provider's answer when `--check-activeness` asked it (spec §12); nil when not asked.
    public var activeness: Activeness? = nil
    /// The slow keyed hash sent to the correlate endpoint; never written to a report.
    public var correlationHash: String? = nil

    /// The path of the first location (a finding is keyed by one path).
    public var path: String { locations.first?.path ?? "" }

    enum CodingKeys: String, CodingKey {
        case id, family, description, severity, redacted, entropy, tags, suppressed, locations, migration, remediation, coffer
        case activeness
        case ruleID = "rule_id", valueHash = "value_hash", suppressionReason = "suppression_reason"
        case baselineStatus = "baseline_status", inHead = "in_head", firstCommit = "first_commit"
        case removedInCommit = "removed_in_commit"
    }
}

extension Finding {
    /// Counts toward the exit code and the default report: not suppressed inline, not baselined.
    public var isActive: Bool { !suppressed && baselineStatus == nil }

    /// Report order of spec §10: severity, then in-HEAD first, then path.
    static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
        if lhs.inHead != rhs.inHead { return lhs.inHead }
        if lhs.path != rhs.path { return lhs.path < rhs.path }
        return (lhs.locations.first?.startLine ?? 0) < (rhs.locations.first?.startLine ?? 0)
    }
}
