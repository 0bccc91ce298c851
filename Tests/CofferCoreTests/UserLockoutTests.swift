import Testing

@testable import CofferCore

/// User lockout's counting and settings, without a server (issue 12, item 11).
@Suite struct UserLockoutTests {
    static func key(_ alias: String) -> FailedLogins.Key {
        FailedLogins.Key(accessor: "auth_approle_1", alias: Array(alias.utf8))
    }

    @Test("failures within the counter reset add up; after it the count starts again")
    func counting() {
        var table = FailedLogins(capacity: 10)
        #expect(table.recordFailure(Self.key("r"), now: 100, counterReset: 60, expiry: 60).count == 1)
        #expect(table.recordFailure(Self.key("r"), now: 150, counterReset: 60, expiry: 60).count == 2)
        #expect(table.recordFailure(Self.key("r"), now: 211, counterReset: 60, expiry: 60).count == 1)
    }

    @Test("the table never holds more than its capacity")
    func bounded() {
        var table = FailedLogins(capacity: 100)
        for index in 0..<1_000 {
            _ = table.recordFailure(Self.key("alias-\(index)"), now: Int64(index), counterReset: 900, expiry: 900)
        }
        #expect(table.entries.count <= 100)
        // The newest is kept.
        #expect(table[Self.key("alias-999")] != nil)
    }

    @Test("aliases that differ only by Unicode normalisation are two users")
    func aliasesAreBytes() {
        var table = FailedLogins(capacity: 10)
        _ = table.recordFailure(Self.key("caf\u{E9}"), now: 1, counterReset: 900, expiry: 900)
        #expect(table[Self.key("cafe\u{301}")] == nil)
    }

    @Test("settings: the type's stanza over `all` over defaults, then the mount's tune")
    func precedence() {
        let stanzas = [UserLockoutStanza(type: "all", threshold: 7), UserLockoutStanza(type: "approle", duration: 60)]
        let approle = UserLockoutStanza.settings(for: "approle", in: stanzas)
        #expect(approle == UserLockoutSettings(threshold: 7, duration: 60, counterReset: 900))
        #expect(
            UserLockoutStanza.settings(for: "userpass", in: stanzas) == UserLockoutSettings(threshold: 7, duration: 900, counterReset: 900))
        #expect(UserLockoutStanza.settings(for: "approle", in: []) == .defaults)
        let tuned = approle.tuned(by: UserLockoutSettings(threshold: 2))
        #expect(tuned == UserLockoutSettings(threshold: 2, duration: 60, counterReset: 900))
    }
}
