import CofferMountKit
import Foundation
import Testing

@testable import CofferCore

/// Stored records are input too: a token or lease written by an older version,
/// or by a bug, with a date 10^300 seconds away must still read, look up and
/// format. Each of these trapped before issue 12 (`Int64(1e300)`).
@Suite struct StoredExtremesTests {
    static func token(expiring expireTime: Date?, created creationTime: Date = Date()) -> TokenEntry {
        TokenEntry(
            accessor: "acc", policies: ["default"], path: "auth/token/create", displayName: "token", meta: nil,
            creationTime: creationTime, creationTTL: 3600, expireTime: expireTime, explicitMaxTTL: 0, period: 0, numUses: 0,
            renewable: true, parentHash: nil, type: "service", boundCIDRs: nil, lastRenewal: creationTime, hash: "h"
        )
    }

    @Test("a token that expires 10^300 seconds from now reads back, looks up and shows its TTL", arguments: [1e300, 9.3e18, -1e300])
    func farExpiry(seconds: Double) throws {
        let now = Date()
        let entry = try TokenEntry(stored: Self.token(expiring: Date(timeIntervalSinceNow: seconds)).stored)
        let ttl = entry.ttl(at: now)
        #expect(ttl == (seconds > 0 ? Int64.max : 0))
        let lookup = TokenBackend.lookupData(entry, id: "id", now: now)
        #expect(lookup["expire_time"]?.stringValue == (seconds > 0 ? "9999-12-31T23:59:59.999Z" : "0000-01-01T00:00:00.000Z"))
        _ = AuthBlock.json(id: "id", entry, now: now)
    }

    @Test("a token created at a date out of every range still looks up")
    func farCreation() {
        let far = Date(timeIntervalSince1970: 1e300)
        let entry = Self.token(expiring: far, created: far)
        let lookup = TokenBackend.lookupData(entry, id: "id", now: Date())
        #expect(lookup["creation_time"] == .int(.max))
        #expect(lookup["issue_time"]?.stringValue == "9999-12-31T23:59:59.999Z")
        #expect(lookup["last_renewal_time"] == .int(.max))
    }
}
