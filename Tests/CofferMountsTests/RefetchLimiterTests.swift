import Testing

@testable import CofferMounts

/// JWKS refetches are spaced out (issue 12, item 9), without a network.
@Suite struct RefetchLimiterTests {
    let start = ContinuousClock.now

    @Test("the first refetch goes at once; the next waits the interval")
    func spacing() {
        var limiter = RefetchLimiter(interval: .seconds(5))
        #expect(limiter.allows(at: start))
        limiter.refetchStarted(at: start)
        #expect(!limiter.allows(at: start + .seconds(1)))
        #expect(!limiter.allows(at: start + .milliseconds(4999)))
        #expect(limiter.allows(at: start + .seconds(5)))
    }

    @Test("a failed fetch also holds the next one back")
    func failureSpacing() {
        var limiter = RefetchLimiter(interval: .seconds(5))
        limiter.fetchFailed(at: start)
        #expect(!limiter.allows(at: start + .seconds(2)))
        #expect(limiter.allows(at: start + .seconds(6)))
    }
}
