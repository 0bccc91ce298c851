import CofferMountKit
import Foundation
import Testing

@testable import CofferCore

/// The per-token state machine and the TTL decisions, with no storage: a token
/// being revoked takes no change, a failed revocation keeps it refused, and no
/// caller widens a token's lifetime past the caps.
@Suite struct TokenLifecycleTests {
    @Test("a live token takes changes; once a revocation starts it takes none")
    func revocationClosesTheToken() {
        var lifecycle = TokenLifecycle()
        #expect(lifecycle.acceptsChanges)
        lifecycle.revocationStarted()
        #expect(!lifecycle.acceptsChanges)
        #expect(lifecycle.phase == .revoking)
        let ended1 = lifecycle.revocationEnded(entryGone: true)
        #expect(ended1)
        #expect(lifecycle.phase == .revoked)
        #expect(!lifecycle.acceptsChanges)
    }

    @Test("a failed revocation leaves the token refused until a later one removes it")
    func failedRevocationStaysRefused() {
        var lifecycle = TokenLifecycle()
        lifecycle.revocationStarted()
        let ended2 = lifecycle.revocationEnded(entryGone: false)
        #expect(!ended2)
        #expect(lifecycle.phase == .revoking)
        #expect(!lifecycle.acceptsChanges)
        lifecycle.revocationStarted()
        let ended3 = lifecycle.revocationEnded(entryGone: true)
        #expect(ended3)
    }

    @Test("overlapping revocations (the admin's and the parent's) keep the record until both end")
    func overlappingRevocations() {
        var lifecycle = TokenLifecycle()
        lifecycle.revocationStarted()
        lifecycle.revocationStarted()
        #expect(lifecycle.revokers == 2)
        let ended4 = lifecycle.revocationEnded(entryGone: true)
        #expect(!ended4)
        let ended5 = lifecycle.revocationEnded(entryGone: true)
        #expect(ended5)
    }

    @Test("the table answers live for unknown tokens and drops a record once its entry is gone")
    func table() {
        let table = TokenLifecycleTable()
        #expect(table.acceptsChanges("a"))
        table.revocationStarted("a")
        #expect(!table.acceptsChanges("a"))
        #expect(table.acceptsChanges("b"))
        table.revocationEnded("a", entryGone: false)
        #expect(!table.acceptsChanges("a"))
        table.revocationStarted("a")
        table.revocationEnded("a", entryGone: true)
        #expect(table.acceptsChanges("a"))
        #expect(table.count == 0)
    }

    @Test("a periodic token is capped by explicit_max_ttl and the system maximum, with OpenBao's warnings")
    func periodCaps() {
        let capped = TokenLifetime.requested(ttl: 0, period: 7200, explicitMaxTTL: 3600, rootPolicy: false)
        #expect(capped.ttl == 3600 && capped.period == 3600)
        #expect(capped.warnings == ["period of \"2h\" exceeded the effective max_ttl of \"1h\"; period value is capped accordingly"])
        let huge = TokenLifetime.requested(ttl: 0, period: 7_200_000, explicitMaxTTL: 0, rootPolicy: true)
        #expect(huge.ttl == TokenSettings.systemTTL)
        #expect(huge.warnings == ["period of \"2000h\" exceeded the effective max_ttl of \"768h\"; period value is capped accordingly"])
    }

    @Test("a TTL for a root or orphan token stops at the system maximum; no TTL on root never expires")
    func ttlCaps() {
        let root = TokenLifetime.requested(ttl: 7_200_000, period: 0, explicitMaxTTL: 0, rootPolicy: true)
        #expect(root.ttl == TokenSettings.systemTTL)
        #expect(root.warnings == ["TTL of \"2000h\" exceeded the effective max_ttl of \"768h\"; TTL value is capped accordingly"])
        #expect(TokenLifetime.requested(ttl: 0, period: 0, explicitMaxTTL: 0, rootPolicy: true).ttl == 0)
        #expect(TokenLifetime.requested(ttl: 0, period: 0, explicitMaxTTL: 600, rootPolicy: true).ttl == 600)
        #expect(TokenLifetime.requested(ttl: 0, period: 0, explicitMaxTTL: 0, rootPolicy: false).ttl == TokenSettings.systemTTL)
        var child = TokenLifetime.requested(ttl: 0, period: 3600, explicitMaxTTL: 0, rootPolicy: false)
        child.capped(byParentTTL: 60)
        #expect(child.ttl == 60)
    }

    @Test("renewing a periodic token never goes past creation + explicit_max_ttl")
    func periodicRenewalHonoursExplicitMax() {
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        var entry = TokenEntry(
            accessor: "a", policies: ["default"], path: "auth/token/create", displayName: "token", meta: nil,
            creationTime: created, creationTTL: 3600, expireTime: created.addingTimeInterval(3600), explicitMaxTTL: 5400,
            period: 3600, numUses: 0, renewable: true, parentHash: nil, type: "service", boundCIDRs: nil, lastRenewal: nil, hash: "h"
        )
        #expect(entry.renewedTTL(increment: nil, systemMax: TokenSettings.systemTTL, now: created.addingTimeInterval(600)) == 3600)
        #expect(entry.renewedTTL(increment: nil, systemMax: TokenSettings.systemTTL, now: created.addingTimeInterval(3000)) == 2400)
        #expect(entry.renewedTTL(increment: nil, systemMax: TokenSettings.systemTTL, now: created.addingTimeInterval(6000)) == 0)
        entry.explicitMaxTTL = 0
        entry.period = 9_000_000
        #expect(entry.renewedTTL(increment: nil, systemMax: TokenSettings.systemTTL, now: created) == TokenSettings.systemTTL)
    }
}
