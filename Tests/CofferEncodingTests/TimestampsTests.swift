import CofferEncoding
import Foundation
import Testing

/// Audit lines and token lookups print times as Vault does; the hand-written
/// formatter must agree with Foundation's ISO 8601 style to the millisecond.
@Suite struct TimestampsTests {
    @Test("RFC 3339 with milliseconds, truncated, in UTC, as Foundation writes it")
    func matchesFoundation() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var generator = SystemRandomNumberGenerator()
        var dates = [0, 1, 1.9996, -1.5, 951_782_400.5, 4_107_542_399.999, 1_795_719_160.1239].map(Date.init(timeIntervalSince1970:))
        dates += (0..<5000).map { _ in Date(timeIntervalSince1970: Double.random(in: 0...4_000_000_000, using: &generator)) }
        for date in dates {
            #expect(Timestamps.rfc3339(date) == date.formatted(style))
        }
    }
}
