/// Vault's user lockout settings: after `threshold` failed logins within
/// `counterReset` seconds for one alias, its logins are refused for `duration`
/// seconds (OpenBao `configutil/userlockout.go`, `request_handling.go`).
///
/// As a mount's tune (`user_lockout_config`), a zero means "not set here": the
/// server config's value (or the default) applies.
package struct UserLockoutSettings: Codable, Sendable, Equatable {
    package var threshold: UInt64 = 0
    package var duration: Int64 = 0
    package var counterReset: Int64 = 0
    package var disable = false

    package init(threshold: UInt64 = 0, duration: Int64 = 0, counterReset: Int64 = 0, disable: Bool = false) {
        self.threshold = threshold
        self.duration = duration
        self.counterReset = counterReset
        self.disable = disable
    }

    /// OpenBao's defaults: 5 failures, 15 minutes locked, counter reset after 15 minutes.
    package static let defaults = UserLockoutSettings(threshold: 5, duration: 900, counterReset: 900)

    /// The auth methods lockout applies to (`GetSupportedUserLockoutsAuthMethods`).
    package static let supportedTypes: Set<String> = ["userpass", "approle", "ldap"]

    /// These settings with a mount's tune on top: each field the tune sets wins.
    func tuned(by tune: UserLockoutSettings?) -> UserLockoutSettings {
        guard let tune else { return self }
        var result = self
        if tune.threshold != 0 { result.threshold = tune.threshold }
        if tune.duration != 0 { result.duration = tune.duration }
        if tune.counterReset != 0 { result.counterReset = tune.counterReset }
        if tune.disable { result.disable = true }
        return result
    }
}

/// One `user_lockout "<type>" { ... }` stanza of the server config: only the keys
/// written are set; the others come from the `all` stanza, then the defaults.
package struct UserLockoutStanza: Sendable, Equatable {
    package var type: String
    package var threshold: UInt64?
    package var duration: Int64?
    package var counterReset: Int64?
    package var disable: Bool?

    package init(type: String, threshold: UInt64? = nil, duration: Int64? = nil, counterReset: Int64? = nil, disable: Bool? = nil) {
        self.type = type
        self.threshold = threshold
        self.duration = duration
        self.counterReset = counterReset
        self.disable = disable
    }

    /// The auth types a stanza may name.
    package static let types: Set<String> = ["all", "ldap", "approle", "userpass"]

    func applied(to base: UserLockoutSettings) -> UserLockoutSettings {
        var result = base
        if let threshold { result.threshold = threshold }
        if let duration { result.duration = duration }
        if let counterReset { result.counterReset = counterReset }
        if let disable { result.disable = disable }
        return result
    }

    /// The settings for mounts of `type` under these stanzas (OpenBao's
    /// `getUserLockoutFromConfig`): the type's own stanza over `all` over defaults.
    static func settings(for type: String, in stanzas: [UserLockoutStanza]) -> UserLockoutSettings {
        let all = stanzas.last { $0.type == "all" }.map { $0.applied(to: .defaults) } ?? .defaults
        return stanzas.last { $0.type == type }.map { $0.applied(to: all) } ?? all
    }
}
