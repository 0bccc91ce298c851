/// The rules a CircleCI env-var listing reports under (spec §2.4). They match no text:
/// listings carry names and dates, never values; they exist for reports and SARIF.
enum EnvVarRules {
    static let credential = listingRule(
        "circleci-envvar-credential", "CircleCI environment variable that holds a credential (judged by its name)", .medium,
        "Move the value into Coffer, have the job read it with its OIDC login, then delete the variable from CircleCI.")
    static let migratedStillDefined = listingRule(
        "circleci-envvar-migrated-still-defined", "CircleCI environment variable already migrated to Coffer but still defined",
        .high, "Delete the variable from CircleCI: the job reads it from Coffer now, and the copy left behind still works.")
    static let inventory = listingRule(
        "circleci-envvar-inventory", "CircleCI environment variable (inventory)", .info,
        "Nothing to do unless it holds a credential under a name that does not say so.")

    static let environment = listingRule(
        "environment-secret", "Secret-looking variable in the job's environment (hash only)", .info,
        "Nothing to do if Coffer reports it as stored: the job reads it at run time. Otherwise move it into Coffer.")

    static let all = [credential, migratedStillDefined, inventory, environment]

    private static func listingRule(_ id: String, _ description: String, _ severity: Severity, _ remediation: String) -> Rule {
        Rule(
            id: id, family: .circleci, description: description, severity: severity, keywords: [], remediation: remediation,
            enabledByDefault: false, matcher: NoTextMatcher())
    }
}

/// The matcher of rules that never look at text.
struct NoTextMatcher: SecretMatcher {
    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {}
}
