import Foundation

/// When a failed lease revocation is tried again (OpenBao's expiration manager):
/// after the n-th failure, 2^n × `base` with ±50 % jitter, so a fleet of leases
/// whose database went down does not retry in lockstep; after `maxAttempts`
/// failures the lease is irrevocable, listed, and tried again once a day.
package struct RevocationRetry: Sendable, Equatable {
    package var base: TimeInterval
    package var maxAttempts: Int
    package var irrevocableInterval: TimeInterval

    package init(base: TimeInterval = 10, maxAttempts: Int = 6, irrevocableInterval: TimeInterval = 86_400) {
        self.base = base
        self.maxAttempts = maxAttempts
        self.irrevocableInterval = irrevocableInterval
    }

    /// OpenBao's: 10 s, 6 tries.
    package static let standard = RevocationRetry()

    /// The wait after failure number `attempt` (1-based); `unit` is a random
    /// number in 0..<1, a parameter so tests can pin it.
    package func delay(afterAttempt attempt: Int, unit: Double) -> TimeInterval {
        let exponential = base * pow(2, Double(min(max(attempt, 1), 30)))
        return exponential * (0.5 + min(max(unit, 0), 1))
    }

    /// Whether failure number `attempt` makes the lease irrevocable.
    package func givesUp(afterAttempt attempt: Int) -> Bool { attempt >= maxAttempts }

    /// The error kept on an irrevocable lease: OpenBao's 240-character cut.
    package static func keptError(_ message: String) -> String {
        let text = message.isEmpty ? "unknown" : message
        return String(text.prefix(240))
    }
}
