import Foundation

/// The lease TTLs a mount may hand out: its tuned `default_lease_ttl` and
/// `max_lease_ttl`, or the system's (768 h) where it is not tuned. A mount reads
/// them from its request, as an OpenBao backend reads its system view.
package struct LeaseLimits: Sendable, Equatable {
    package var defaultTTL: Int64
    package var maxTTL: Int64

    package init(defaultTTL: Int64, maxTTL: Int64) {
        self.defaultTTL = defaultTTL > 0 ? defaultTTL : TokenSettings.systemTTL
        self.maxTTL = maxTTL > 0 ? maxTTL : TokenSettings.systemTTL
    }

    package static let system = LeaseLimits(defaultTTL: 0, maxTTL: 0)

    /// OpenBao's `CalculateTTL`: the increment asked for, else the backend's TTL,
    /// else the mount's default; never past the tighter of the two maxima, counted
    /// from `issued` when the lease already exists. Never negative.
    package func ttl(increment: Int64 = 0, backendTTL: Int64, backendMaxTTL: Int64, issued: Date? = nil, now: Date) -> Int64 {
        let cap = backendMaxTTL > 0 ? min(backendMaxTTL, maxTTL) : maxTTL
        var ttl = increment > 0 ? increment : (backendTTL > 0 ? backendTTL : defaultTTL)
        if let issued {
            let left = Int64(saturating: issued.addingTimeInterval(TimeInterval(cap)).timeIntervalSince(now).rounded(.down))
            ttl = min(ttl, max(0, left))
        } else {
            ttl = min(ttl, cap)
        }
        return max(0, ttl)
    }
}
