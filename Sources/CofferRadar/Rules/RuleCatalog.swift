/// The built-in rule set, versioned so reports can say which rules produced them (spec §3).
///
/// Rules are grouped by family in `RuleCatalog+<family>.swift`; each entry is data
/// (prefix, body shape, severity) driving one of a handful of hand-written matchers.
public enum RuleCatalog {
    /// Bumped whenever a rule is added, removed or changes what it matches.
    public static let version = "2026.12.1"

    /// Every built-in rule, in a stable order.
    public static let builtIn: [Rule] =
        cloudRules + vcsRules + chatRules + saasRules + secretManagerRules + keyRules
        + connectionRules + configFileRules + shellRules + genericRules

    /// A prefixed-token rule whose keywords are its prefixes.
    static func token(
        _ id: String, _ family: RuleFamily, _ description: String, _ severity: Severity,
        prefixes: [String], body: TokenShape, validator: TokenValidator = .none,
        leftBoundary: ByteClass = .alnum, rightBoundary: ByteClass? = nil, entropyFloor: Double = 3.0
    ) -> Rule {
        let matcher = PrefixedTokenMatcher(
            prefixes: prefixes, body: body, validator: validator, leftBoundary: leftBoundary,
            rightBoundary: rightBoundary, entropyFloor: entropyFloor)
        return Rule(
            id: id, family: family, description: description, severity: severity,
            keywords: matcher.keywords, publicPrefixes: prefixes, matcher: matcher)
    }

    /// A prefixed-token rule with per-prefix variants (severity differs by prefix).
    static func token(
        _ id: String, _ family: RuleFamily, _ description: String, _ severity: Severity,
        variants: [PrefixedTokenMatcher.Variant], validator: TokenValidator = .none
    ) -> Rule {
        let matcher = PrefixedTokenMatcher(variants, validator: validator)
        return Rule(
            id: id, family: family, description: description, severity: severity,
            keywords: matcher.keywords,
            publicPrefixes: variants.map { String(decoding: $0.prefix, as: UTF8.self) }, matcher: matcher)
    }
}
