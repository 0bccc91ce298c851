import Foundation

/// Durations as Vault clients send and expect them: `600`, `"600"`, `"15m"`, `"1h0m0s"`.
package enum GoDuration {
    /// The longest duration Go can hold, in whole seconds: `time.Duration` counts
    /// nanoseconds in an `Int64`, so about 292 years. Vault refuses anything longer
    /// ("time: invalid duration", or an overflow error for bare seconds), and so do
    /// we: a bounded duration also keeps every later `now + ttl` and its
    /// conversions back to integers far from overflow.
    package static let maxSeconds: Int64 = 9_223_372_036

    /// Seconds in a duration string; nil when it does not parse or is longer than
    /// `maxSeconds`.
    ///
    /// A bare number is seconds (Vault's `parseutil.ParseDurationSecond`); otherwise the
    /// Go `time.ParseDuration` grammar: a sequence of decimal numbers with units.
    package static func seconds(from text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let whole = Int64(trimmed) { return inRange(whole) ? whole : nil }
        // In range by `interval`'s check, so the conversion cannot fail.
        return interval(from: trimmed).flatMap { Int64(checking: $0.rounded(.towardZero)) }
    }

    /// The duration in seconds with its fraction (`"500ms"` is 0.5), for
    /// deadlines; nil when it does not parse or is longer than `maxSeconds`.
    package static func interval(from text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return 0 }
        if let whole = Int64(trimmed) { return inRange(whole) ? Double(whole) : nil }
        var rest = Substring(trimmed)
        var sign: Double = 1
        if rest.first == "-" {
            sign = -1
            rest = rest.dropFirst()
        } else if rest.first == "+" {
            rest = rest.dropFirst()
        }
        if rest == "0" { return 0 }
        // A lone sign is not a duration (Go: `time: invalid duration "-"`).
        guard !rest.isEmpty else { return nil }
        var total: Double = 0
        while !rest.isEmpty {
            // ASCII digits only, as Go: `Character.isNumber` would also take "١٢٣".
            let number = rest.prefix(while: { $0.isASCII && ($0.isNumber || $0 == ".") })
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix(while: { !($0.isASCII && ($0.isNumber || $0 == ".")) })
            guard let scale = unitSeconds[String(unit)] else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * scale
            // Go fails as soon as the sum overflows; checking here also keeps
            // `total` finite however many digits were sent.
            guard total < Double(maxSeconds + 1) else { return nil }
        }
        return sign * total
    }

    /// Whether `seconds` is a duration Go can hold.
    package static func inRange(_ seconds: Int64) -> Bool {
        seconds >= -maxSeconds && seconds <= maxSeconds
    }

    private static let unitSeconds: [String: Double] = [
        "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3,
        "s": 1, "m": 60, "h": 3600,
    ]

    /// Go's `time.Duration.String()` for whole seconds: `720h0m0s`, `1m0s`, `0s`.
    package static func format(seconds: Int64) -> String {
        if seconds == 0 { return "0s" }
        let sign = seconds < 0 ? "-" : ""
        // `magnitude`, not `abs`: abs(Int64.min) traps, and a stored value may be anything.
        let magnitude = seconds.magnitude
        let hours = magnitude / 3600, minutes = (magnitude % 3600) / 60, secs = magnitude % 60
        if hours > 0 { return "\(sign)\(hours)h\(minutes)m\(secs)s" }
        if minutes > 0 { return "\(sign)\(minutes)m\(secs)s" }
        return "\(sign)\(secs)s"
    }
}
