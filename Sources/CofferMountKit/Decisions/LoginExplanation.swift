import CofferEncoding

/// A login's decision as `coffer explain login`, the audit log and the server
/// log show it: every check with what was expected and what came, and the
/// refusal the client got. Made from the `LoginDecision` the login itself
/// returned (`init(_:method:role:)`), so it can never disagree with the login.
///
/// Not generic over the mount's failure type, so that the core, which cannot see
/// the mounts, can carry it. Holds no token or secret value: `LoginCheck`
/// promises that of every check.
package struct LoginExplanation: Sendable, Equatable {
    package struct Check: Sendable, Equatable {
        package let name: String
        package let expected: String
        package let actual: String
        package let outcome: CheckOutcome

        package init(name: String, expected: String, actual: String, outcome: CheckOutcome) {
            self.name = name
            self.expected = expected
            self.actual = actual
            self.outcome = outcome
        }
    }

    /// The auth method's type (`jwt`, `approle`).
    package let method: String
    /// The role the login named (for AppRole, the one its role ID belongs to);
    /// empty when the login never found one.
    package let role: String
    /// In the order the login ran them; the first failure ends the list.
    package let checks: [Check]
    /// The policies the token would get; empty when refused.
    package let policies: [String]
    /// The error messages the client gets for the refusal; nil when granted.
    package let refusal: [String]?

    package init(method: String, role: String, checks: [Check], policies: [String], refusal: [String]?) {
        self.method = method
        self.role = role
        self.checks = checks
        self.policies = policies
        self.refusal = refusal
    }

    /// The login's own decision, worded.
    package init<Failure: LoginFailure>(_ decision: LoginDecision<Failure>, method: String, role: String) {
        self.init(
            method: method, role: role,
            checks: decision.checks.map { Check(name: $0.name, expected: $0.expected, actual: $0.actual, outcome: $0.outcome) },
            policies: decision.auth?.policies ?? [],
            refusal: decision.auth == nil ? (decision.error?.messages ?? ["permission denied"]) : nil
        )
    }

    package var isGranted: Bool { refusal == nil }

    package var failedCheck: Check? { checks.first { $0.outcome == .failed } }

    /// One line for a log: the role and the check that refused the login, with
    /// both values.
    package var summary: String {
        let login = role.isEmpty ? "\(method) login" : "\(method) login for role \"\(role)\""
        guard let failed = failedCheck else { return "\(login) granted: every check passed" }
        return "\(login) refused by \(failed.name): expected \(failed.expected), got \(failed.actual)"
    }
}
