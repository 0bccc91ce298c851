extension TokenSettings {
    /// The guide's advice on CI token lifetimes: at most an hour, and renewable
    /// only up to a bound. `ttl` 0 means the mount's default, else the system's
    /// 768 h; a periodic token renews forever unless an explicit maximum caps it.
    package func lintFindings(object: String, context: LintContext, fix: (String) -> String) -> [LintFinding] {
        var findings: [LintFinding] = []
        let effective = ttl > 0 ? ttl : context.defaultLeaseTTL > 0 ? context.defaultLeaseTTL : Self.systemTTL
        if effective > 3600 || period > 3600 {
            let source =
                period > 3600 ? "token_period is \(period)s" : ttl > 0 ? "token_ttl is \(ttl)s" : "token_ttl is unset, so \(effective)s"
            findings.append(
                LintFinding(
                    .tokenTTLOverOneHour, object: object,
                    why: "\(source): a token leaked from a CI log stays usable long after the job ends; a job needs minutes.",
                    fix: fix("token_ttl=15m")))
        }
        let capped = maxTTL > 0 || explicitMaxTTL > 0 || (period == 0 && context.maxLeaseTTL > 0)
        if !capped {
            findings.append(
                LintFinding(
                    .tokenMaxTTLUnbounded, object: object,
                    why: period > 0
                        ? "a periodic token with no token_explicit_max_ttl can be renewed forever."
                        : "token_max_ttl is unset and the mount is not tuned, so tokens can be renewed for \(Self.systemTTL / 3600) hours.",
                    fix: fix("token_max_ttl=1h")))
        }
        return findings
    }
}
