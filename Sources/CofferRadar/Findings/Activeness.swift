/// The answer of an online activeness check (spec §12): does the provider still accept the secret?
public enum Activeness: String, Sendable, Codable {
    case active
    case inactive
    case unknown

    /// Severity after the check (spec §10, step 6): a live credential is at least high, a dead one info.
    func adjust(_ severity: Severity) -> Severity {
        switch self {
        case .active: max(severity, .high)
        case .inactive: .info
        case .unknown: severity
        }
    }
}

/// Asks a secret's provider whether it is live (`--check-activeness`, off by default).
///
/// This sends the secret to its provider, which is why it is opt-in. Implementations answer
/// nil for rules they cannot check; the scanner calls `check` once per distinct value.
public protocol ActivenessProbe: Sendable {
    func check(ruleID: String, value: String, pairedValue: String?) -> Activeness?
}
