import Foundation
import Testing

@testable import CofferMountKit

/// OpenBao's `CalculateTTL`, which every leased secret's TTL goes through.
@Suite struct LeaseLimitsTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("the backend's TTL, else the mount's default, never past either maximum")
    func issue() {
        let limits = LeaseLimits(defaultTTL: 600, maxTTL: 3600)
        #expect(limits.ttl(backendTTL: 60, backendMaxTTL: 0, now: now) == 60)
        #expect(limits.ttl(backendTTL: 0, backendMaxTTL: 0, now: now) == 600)
        #expect(limits.ttl(backendTTL: 7200, backendMaxTTL: 0, now: now) == 3600)
        #expect(limits.ttl(backendTTL: 7200, backendMaxTTL: 120, now: now) == 120)
        #expect(LeaseLimits.system.ttl(backendTTL: 0, backendMaxTTL: 0, now: now) == 2_764_800)
    }

    @Test("a renewal takes the increment, cut at the maximum counted from issue")
    func renewal() {
        let limits = LeaseLimits(defaultTTL: 600, maxTTL: 3600)
        let issued = now.addingTimeInterval(-3000)
        #expect(limits.ttl(increment: 300, backendTTL: 60, backendMaxTTL: 0, issued: issued, now: now) == 300)
        #expect(limits.ttl(increment: 9999, backendTTL: 60, backendMaxTTL: 0, issued: issued, now: now) == 600)
        #expect(limits.ttl(increment: 300, backendTTL: 60, backendMaxTTL: 3100, issued: issued, now: now) == 100)
        #expect(limits.ttl(increment: 300, backendTTL: 60, backendMaxTTL: 10, issued: issued, now: now) == 0)
    }
}
