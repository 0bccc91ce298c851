import Foundation
import Testing

@testable import CofferCore

/// When a failed lease revocation is retried (OpenBao's expiration manager).
@Suite struct RevocationRetryTests {
    @Test("2^n times the base, with up to half of it either way as jitter")
    func backoff() {
        let retry = RevocationRetry.standard
        #expect(retry.delay(afterAttempt: 1, unit: 0.5) == 20)
        #expect(retry.delay(afterAttempt: 3, unit: 0) == 40)
        #expect(retry.delay(afterAttempt: 3, unit: 0.999_999) > 119.9)
        // Out-of-range inputs are clamped, never trap.
        #expect(retry.delay(afterAttempt: .max, unit: .infinity).isFinite)
        #expect(retry.delay(afterAttempt: -5, unit: -1) == 10)
    }

    @Test("the sixth failure makes a lease irrevocable")
    func givesUp() {
        #expect(!RevocationRetry.standard.givesUp(afterAttempt: 5))
        #expect(RevocationRetry.standard.givesUp(afterAttempt: 6))
    }

    @Test("an irrevocable lease keeps at most 240 characters of its error")
    func keptError() {
        #expect(RevocationRetry.keptError(String(repeating: "x", count: 1000)).count == 240)
        #expect(RevocationRetry.keptError("") == "unknown")
    }
}
