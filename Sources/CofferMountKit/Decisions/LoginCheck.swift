/// One check a login ran: what the role or config asked for, what the request
/// brought, and how it came out. `coffer explain` prints these as they are.
///
/// `expected` and `actual` never hold a secret or token value: a secret is
/// reported as "matches" or "does not match", a token by the claims it carries.
package struct LoginCheck<Failure: LoginFailure>: Sendable, Equatable, CustomStringConvertible {
    /// The setting or claim checked, as the API spells it (`iss`, `bound_claims.project_id`, `secret_id`).
    package let name: String
    package let expected: String
    package let actual: String
    package let outcome: CheckOutcome
    /// Why the login is refused, set exactly when `outcome` is `.failed`; the
    /// mount's `LoginFailure.error` words it as Vault does.
    package let failure: Failure?

    package init(name: String, expected: String, actual: String, outcome: CheckOutcome, failure: Failure? = nil) {
        self.name = name
        self.expected = expected
        self.actual = actual
        self.outcome = outcome
        self.failure = failure
    }

    package var description: String { "\(name): \(outcome) (expected \(expected), got \(actual))" }
}

/// A mount's reasons for refusing a login. One function per mount, `error`,
/// turns a reason into the exact message and status Vault gives for it.
package protocol LoginFailure: Sendable, Equatable {
    var error: MountError { get }
}
