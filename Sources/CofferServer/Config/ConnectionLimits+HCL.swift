import CofferHCL
import Foundation
import NIOCore

extension ConnectionLimits {
    /// The connection keys of a `listener "tcp"` block; absent keys keep Vault's defaults.
    init(listener body: HCLBody, at position: HCLPosition) throws {
        self.init()
        idleTimeout = try Self.duration("http_idle_timeout", in: body, at: position) ?? idleTimeout
        readHeaderTimeout = try Self.duration("http_read_header_timeout", in: body, at: position) ?? readHeaderTimeout
        readTimeout = try Self.duration("http_read_timeout", in: body, at: position) ?? readTimeout
        writeTimeout = try Self.duration("http_write_timeout", in: body, at: position) ?? writeTimeout
        if let limit = try body.int("max_connections") {
            guard limit >= 1, limit <= Self.maxConnectionsCeiling else {
                throw ConfigError(
                    "\(body.attribute(named: "max_connections")?.position ?? position): max_connections must be between 1 and \(Self.maxConnectionsCeiling)"
                )
            }
            maxConnections = Int(limit)
        }
    }

    /// No process gets more descriptors than this from Linux (`fs.nr_open`'s ceiling).
    static let maxConnectionsCeiling: Int64 = 1 << 20

    private static func duration(_ key: String, in body: HCLBody, at position: HCLPosition) throws -> TimeAmount? {
        guard let text = try body.string(key) else { return nil }
        guard let amount = listenerDuration(text) else {
            throw ConfigError(
                "\(body.attribute(named: key)?.position ?? position): \(key): \"\(text)\" is not a duration (like \"30s\", \"5m\" or \"0\")"
            )
        }
        return amount
    }

    /// A listener duration as Vault reads one (`parseutil.ParseDurationSecond`):
    /// bare digits are seconds, otherwise Go's `time.ParseDuration` grammar
    /// (`"1m30s"`, `"500ms"`). Negative or longer than a year: nil.
    static func listenerDuration(_ text: String) -> TimeAmount? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        if trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard let seconds = Int64(trimmed), seconds <= maxSeconds else { return nil }
            return .seconds(seconds)
        }
        var rest = Substring(trimmed)
        if rest.first == "+" { rest = rest.dropFirst() }
        var nanoseconds: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix(while: { $0.isASCII && ($0.isNumber || $0 == ".") })
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix(while: { !($0.isASCII && ($0.isNumber || $0 == ".")) })
            guard let scale = unitNanoseconds[String(unit)] else { return nil }
            rest = rest.dropFirst(unit.count)
            nanoseconds += value * scale
            // Checked at each step so the sum stays finite however many parts are sent.
            guard nanoseconds <= Double(maxSeconds) * 1e9 else { return nil }
        }
        return .nanoseconds(Int64(nanoseconds.rounded(.towardZero)))
    }

    /// A year: longer is a mistake, and keeps every `now + timeout` far from overflow.
    private static let maxSeconds: Int64 = 366 * 24 * 3600

    private static let unitNanoseconds: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]
}
