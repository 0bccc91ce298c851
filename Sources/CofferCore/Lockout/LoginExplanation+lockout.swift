import CofferEncoding
import CofferMountKit
import Foundation

extension LoginExplanation {
    /// This explanation as the core runs the login: the user-lockout check
    /// first. A locked alias is refused with "permission denied" before the
    /// method looks at its credentials, so then no other check ran.
    func afterLockout(_ standing: UserLockouts.Standing) -> LoginExplanation {
        let expected = "fewer than \(standing.threshold) failed logins (user lockout)"
        guard let until = standing.lockedUntil else {
            let check = Check(name: "user_lockout", expected: expected, actual: "\(standing.failures) failed", outcome: .passed)
            return LoginExplanation(method: method, role: role, checks: [check] + checks, policies: policies, refusal: refusal)
        }
        let lifted = Timestamps.rfc3339(Date(timeIntervalSince1970: TimeInterval(until)))
        let actual = "locked after \(standing.failures) failed logins, until \(lifted) (or sys/locked-users unlock)"
        let check = Check(name: "user_lockout", expected: expected, actual: actual, outcome: .failed)
        return LoginExplanation(method: method, role: role, checks: [check], policies: [], refusal: ["permission denied"])
    }
}
