/// How one check of a decision (an ACL check, a login check) came out.
///
/// `skipped` means the check did not apply (no bound configured, an operation
/// that carries no parameters), not that it was never reached: a decision stops
/// at its first failure and lists only the checks it ran.
package enum CheckOutcome: String, Sendable, Equatable, CustomStringConvertible {
    case passed, failed, skipped

    package var description: String { rawValue }
}
