import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferCore

/// Token and lease entries are written by hand; what is read back after a restart
/// must be exactly what was written, dates to the last bit.
@Suite struct StoredRecordTests {
    @Test("a token entry reads back equal, with and without its optional fields")
    func tokenRoundTrip() throws {
        let full = TokenEntry(
            accessor: "acc", policies: ["default", "deploy"], path: "auth/jwt/login", displayName: "jwt-project/x",
            meta: ["role": "deploy", "project_id": "p\"q"], creationTime: Date(timeIntervalSinceReferenceDate: 815_414_400.123_456_7),
            creationTTL: 900, expireTime: Date(timeIntervalSinceReferenceDate: 815_415_300.987_654_3), explicitMaxTTL: 3600,
            period: 0, numUses: 3, renewable: true, parentHash: "parent", type: "service", boundCIDRs: ["10.0.0.0/8"],
            lastRenewal: Date(timeIntervalSinceReferenceDate: 815_414_999.5), hash: "abc"
        )
        #expect(try TokenEntry(stored: full.stored) == full)
        var bare = full
        bare.meta = nil
        bare.expireTime = nil
        bare.parentHash = nil
        bare.boundCIDRs = nil
        bare.lastRenewal = nil
        #expect(try TokenEntry(stored: bare.stored) == bare)
    }

    @Test("a secret lease keeps its mount's internal data; a token lease has none")
    func leaseRoundTrip() throws {
        let secret = LeaseEntry(
            id: "database/creds/ci/abc", kind: .secret, path: "database/creds/ci", mountPath: "database/",
            issueTime: Date(timeIntervalSinceReferenceDate: 815_414_400.25),
            expireTime: Date(timeIntervalSinceReferenceDate: 815_418_000.75),
            lastRenewal: nil, lease: MountLease(ttl: 3600, maxTTL: 7200, renewable: true, internalData: ["user": "ci-1", "n": 2]),
            tokenHash: "h"
        )
        #expect(try LeaseEntry(stored: secret.stored) == secret)
        let marker = LeaseStore.tokenMarker(
            for: TokenEntry(
                accessor: "a", policies: [], path: "auth/jwt/login", displayName: "d", meta: nil, creationTime: Date(), creationTTL: 60,
                expireTime: Date().addingTimeInterval(60), explicitMaxTTL: 0, period: 0, numUses: 0, renewable: true, parentHash: nil,
                type: "service", boundCIDRs: nil, lastRenewal: nil, hash: "h1"
            ))
        #expect(marker.count == 1)
    }

    @Test("a record missing a required field is refused by name")
    func corruptRecord() {
        #expect(throws: StoredRecordError.self) { try TokenEntry(stored: Data(#"{"accessor":"a"}"#.utf8)) }
    }
}
