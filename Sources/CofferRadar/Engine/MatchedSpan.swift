/// What a matcher found: the byte range of the secret value plus facts it established.
struct MatchedSpan: Sendable {
    /// Bytes of the secret itself (not the whole line).
    var range: Range<Int>
    /// Overrides the rule's base severity (test keys, expired JWTs, encrypted PEM).
    var severity: Severity? = nil
    /// Tags explaining the override or extra facts (`expired`, `temporary-credential`).
    var tags: [String] = []
    /// A second component reported with this one (an AWS key id paired with its secret).
    var pairedRange: Range<Int>? = nil
    /// The key the value was assigned to, for generic and config rules.
    var keyName: String? = nil
}

/// A rule-tagged span produced by the engine, before locations and hashing.
struct Candidate: Sendable {
    let ruleIndex: Int
    var span: MatchedSpan
}
