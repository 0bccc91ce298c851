import Foundation

/// RFC 3339 timestamps with fractional seconds, in UTC, as Vault writes them.
package enum Timestamps {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    package static func rfc3339(_ date: Date) -> String {
        date.formatted(style)
    }
}
