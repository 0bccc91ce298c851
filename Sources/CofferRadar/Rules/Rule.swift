/// One detector: a stable id, its family, the keywords that trigger it and its matcher (spec §3).
public struct Rule: Sendable {
    public let id: String
    public let family: RuleFamily
    public let description: String
    /// Base severity before ranking (§10).
    public let severity: Severity
    /// Lower-cased literals; the matcher runs only where one occurs.
    let keywords: [String]
    /// Non-secret prefixes kept in the redacted form (`ghp_`, `AKIA`); the first the value starts with is shown.
    let publicPrefixes: [String]
    /// What to do about a finding of this rule; shown in text output and SARIF help.
    public let remediation: String
    let matcher: any SecretMatcher
    /// Off-by-default rules (high entropy) run only where a source turns them on.
    let enabledByDefault: Bool

    init(
        id: String, family: RuleFamily, description: String, severity: Severity,
        keywords: [String], publicPrefixes: [String] = [], remediation: String? = nil,
        enabledByDefault: Bool = true, matcher: any SecretMatcher
    ) {
        self.id = id
        self.family = family
        self.description = description
        self.severity = severity
        self.keywords = keywords
        self.publicPrefixes = publicPrefixes
        self.remediation = remediation ?? "Revoke or rotate this credential, store it in Coffer, and read it at run time."
        self.matcher = matcher
        self.enabledByDefault = enabledByDefault
    }
}
