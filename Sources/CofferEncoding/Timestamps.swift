import Foundation

/// RFC 3339 timestamps with milliseconds, in UTC (`2026-11-26T18:52:40.123Z`), as
/// Vault writes them.
///
/// Formatted by hand: Foundation's ISO 8601 style showed in the profile of every
/// audited request, which writes two of them.
package enum Timestamps {
    package static func rfc3339(_ date: Date) -> String {
        // Whole seconds, then the fraction truncated to milliseconds, as Foundation's
        // ISO 8601 style does.
        //
        // A date may come from a client's TTL or from storage, so it may be anything:
        // clamp it to the years 0000-9999 first (the range Go's encoder accepts, and
        // the four digits written below), which also keeps the integer arithmetic
        // from overflowing. NaN becomes the epoch.
        let raw = date.timeIntervalSince1970
        let interval = raw.isNaN ? 0 : min(max(raw, Self.earliest), Self.latest)
        let wholeSeconds = interval.rounded(.down)
        let millis = min(999, max(0, Int64((interval - wholeSeconds) * 1000)))
        let (days, dayMillis) = floorDivision(Int64(wholeSeconds) * 1000 + millis, 86_400_000)
        let (year, month, day) = civilDate(daysSince1970: days)
        let seconds = dayMillis / 1000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func digits(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var value = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor))
                value %= divisor
                divisor /= 10
            }
        }
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(seconds / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(seconds / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(seconds % 60, 2)
        bytes.append(UInt8(ascii: "."))
        digits(dayMillis % 1000, 3)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, in seconds since 1970
    /// (the last a little past .999, so that the milliseconds survive rounding).
    private static let earliest: TimeInterval = -62_167_219_200
    private static let latest: TimeInterval = 253_402_300_799.9999

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = ((value % divisor) + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
    /// `civil_from_days`).
    private static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
