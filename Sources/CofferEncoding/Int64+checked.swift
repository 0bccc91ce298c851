/// Conversions from `Double` that never trap.
///
/// `Int64(someDouble)` traps when the value is NaN, infinite or outside
/// `Int64`'s range, and every such double can come from a client (`1e19`,
/// `1e300` in a JSON body) or from storage (a date far in the future read back).
/// Every conversion of request or stored input goes through one of these.
extension Int64 {
    /// The integer `value` is exactly, or nil when it has a fraction, is not
    /// finite or does not fit (`1e19`, `0.5`, NaN).
    ///
    /// Truncate-and-compare rather than `Int64(exactly:)`, which needs libm's
    /// rounding functions (see `HCLValue.intValue`).
    package init?(checking value: Double) {
        // -2^63 is representable, +2^63 is not: the upper bound is exclusive.
        guard value >= -0x1p63, value < 0x1p63 else { return nil }
        let truncated = Int64(value)
        guard Double(truncated) == value else { return nil }
        self = truncated
    }

    /// `value` truncated toward zero, clamped to `Int64`'s range; NaN becomes 0.
    /// For amounts computed from stored dates, where a clamp is the right answer
    /// (a TTL left of 10^300 seconds is "as long as it gets").
    package init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 0x1p63 {
            self = .max
        } else if value < -0x1p63 {
            self = .min
        } else {
            self = Int64(value)
        }
    }
}
