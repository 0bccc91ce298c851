/// What a login decided, with every check it ran in the order it ran them.
///
/// A login stops at its first failed check, as Vault's does: later checks
/// would read claims or state that the failed one already made untrustworthy.
/// Either `auth` is set (every check passed or was skipped) or the last check
/// failed; `LoginDecision.Builder` makes no other shape.
package struct LoginDecision<Failure: LoginFailure>: Sendable {
    package let checks: [LoginCheck<Failure>]
    /// The token to mint; nil when the login is refused.
    package let auth: MountAuth?

    /// The check that refused the login, if one did.
    package var failedCheck: LoginCheck<Failure>? {
        checks.last { $0.outcome == .failed }
    }

    /// The refusal as the client sees it: the failed check's reason, worded by the mount.
    package var error: MountError? {
        failedCheck?.failure?.error
    }

    /// The token description, or the refusal thrown.
    package func grantedAuth() throws -> MountAuth {
        if let auth { return auth }
        // The builder always attaches a failure to a refusal; this is the fallback
        // for a decision made by hand.
        throw error ?? MountError(.permissionDenied, ["permission denied"])
    }

    /// Collects checks as a login runs them, and ends in a grant or a refusal.
    ///
    /// A login that is not being explained keeps only the check that refused it
    /// (all a refusal's log line needs): the words of the passed and skipped
    /// checks are arguments built only when they are kept. Building them for
    /// every login cost about a twentieth of a JWT login's CPU (perf, issue 13).
    package struct Builder: Sendable {
        package private(set) var checks: [LoginCheck<Failure>] = []
        /// Whether passed and skipped checks are kept: for `explain`, and tests.
        package let keepsEveryCheck: Bool

        package init(keepsEveryCheck: Bool = true) {
            self.keepsEveryCheck = keepsEveryCheck
        }

        package mutating func pass(_ name: String, expected: @autoclosure () -> String, actual: @autoclosure () -> String) {
            guard keepsEveryCheck else { return }
            checks.append(LoginCheck(name: name, expected: expected(), actual: actual(), outcome: .passed))
        }

        /// A check that did not apply (nothing configured to check against).
        package mutating func skip(
            _ name: String, expected: @autoclosure () -> String = "not configured", actual: @autoclosure () -> String = "not checked"
        ) {
            guard keepsEveryCheck else { return }
            checks.append(LoginCheck(name: name, expected: expected(), actual: actual(), outcome: .skipped))
        }

        /// Records a check made elsewhere (in a closure that cannot reach the
        /// builder); a failed one ends the login as `fail` does.
        package mutating func record(_ check: LoginCheck<Failure>) throws(Ended) {
            if keepsEveryCheck || check.outcome == .failed { checks.append(check) }
            if check.outcome == .failed { throw Ended(decision: LoginDecision(checks: checks, auth: nil)) }
        }

        /// Ends the login: this check failed for `failure`. Thrown so that a stage
        /// deep in a login ends it in one line; the login's entry point catches
        /// `Ended` and returns its decision.
        package func fail(_ name: String, expected: String, actual: String, _ failure: Failure) throws(Ended) -> Never {
            let failed = LoginCheck(name: name, expected: expected, actual: actual, outcome: .failed, failure: failure)
            throw Ended(decision: LoginDecision(checks: checks + [failed], auth: nil))
        }

        /// Ends the login: every check passed.
        package func grant(_ auth: MountAuth) -> LoginDecision {
            LoginDecision(checks: checks, auth: auth)
        }
    }

    /// A refused login on its way out of the stage that refused it.
    package struct Ended: Error {
        package let decision: LoginDecision
    }
}

extension LoginDecision {
    /// Runs a login's stages in order: a stage that fails a check ends the login
    /// refused; stages that all pass return the token description, granted. Any
    /// other error (storage, say) is no decision and is rethrown.
    /// `explaining`: keep every check (an explanation, a test), not only the
    /// one that refused.
    package static func run(explaining: Bool = true, _ stages: (inout Builder) async throws -> MountAuth) async throws -> LoginDecision {
        var builder = Builder(keepsEveryCheck: explaining)
        do {
            let auth = try await stages(&builder)
            return builder.grant(auth)
        } catch let ended as Ended {
            return ended.decision
        }
    }
}
