import CofferMountKit

/// The TTL and period a new token gets, with the warnings OpenBao gives when it
/// cuts them down (`framework.CalculateTTL`): a value, decided before anything is
/// written, so the caps are tested without a server.
package struct TokenLifetime: Sendable, Equatable {
    /// Seconds it lives; 0 never expires (root-policy tokens asked for no TTL).
    package var ttl: Int64
    /// The period it renews by; 0 for a token that is not periodic.
    package var period: Int64
    package var warnings: [String] = []

    /// What `auth/token/create` grants. Nothing goes past the system maximum or
    /// `explicitMaxTTL`, whatever the caller asked, root or orphan alike; a root
    /// token asked for no TTL is the only one that never expires.
    package static func requested(
        ttl: Int64, period: Int64, explicitMaxTTL: Int64, rootPolicy: Bool, systemMax: Int64 = TokenSettings.systemTTL
    ) -> TokenLifetime {
        var cap = max(1, systemMax)
        if explicitMaxTTL > 0 { cap = min(cap, explicitMaxTTL) }
        if period > 0 {
            guard period > cap else { return TokenLifetime(ttl: period, period: period) }
            let warning =
                "period of \"\(Self.shown(period))\" exceeded the effective max_ttl of \"\(Self.shown(cap))\"; period value is capped accordingly"
            return TokenLifetime(ttl: cap, period: cap, warnings: [warning])
        }
        if ttl == 0, rootPolicy {
            // Root tokens are still bound by an explicit max TTL.
            return TokenLifetime(ttl: explicitMaxTTL, period: 0)
        }
        let wanted = ttl > 0 ? ttl : max(1, systemMax)
        guard wanted > cap else { return TokenLifetime(ttl: wanted, period: 0) }
        let warning =
            "TTL of \"\(Self.shown(wanted))\" exceeded the effective max_ttl of \"\(Self.shown(cap))\"; TTL value is capped accordingly"
        return TokenLifetime(ttl: cap, period: 0, warnings: [warning])
    }

    /// A child never outlives its parent (`parentTTL` seconds left; nil: never expires).
    package mutating func capped(byParentTTL parentTTL: Int64?) {
        guard let parentTTL else { return }
        let left = max(1, parentTTL)
        ttl = ttl == 0 ? left : min(ttl, left)
    }

    static func shown(_ seconds: Int64) -> String {
        LoginTokenIssuer.shortDuration(seconds)
    }
}
