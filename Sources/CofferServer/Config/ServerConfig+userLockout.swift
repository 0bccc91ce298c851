import CofferCore
import CofferEncoding
import CofferHCL
import CofferMountKit

extension ServerConfig {
    /// `user_lockout "approle" { lockout_threshold = 5  lockout_duration = "15m"
    /// lockout_counter_reset = "15m"  disable_lockout = false }` (OpenBao
    /// `configutil/userlockout.go`): the type is the label (or `type = "..."`).
    static func userLockout(_ block: HCLBlock) throws -> UserLockoutStanza {
        let body = block.body
        do {
            guard let type = (try body.string("type") ?? block.labels.first)?.lowercased() else {
                throw ConfigError("auth type for user lockout must be specified, if it applies to all auth methods specify \"all\" ")
            }
            guard UserLockoutStanza.types.contains(type) else { throw ConfigError("unsupported auth type \"\(type)\"") }
            var stanza = UserLockoutStanza(type: type)
            if let text = try body.string("lockout_threshold") {
                guard let threshold = UInt64(text) else {
                    throw ConfigError("error parsing lockout_threshold: strconv.ParseUint: parsing \"\(text)\": invalid syntax")
                }
                stanza.threshold = threshold
            }
            stanza.duration = try duration(body["lockout_duration"], "lockout_duration")
            stanza.counterReset = try duration(body["lockout_counter_reset"], "lockout_counter_reset")
            stanza.disable = try body.bool("disable_lockout")
            return stanza
        } catch let error as HCLParseError {
            throw ConfigError("user_lockout: \(error)")
        }
    }

    /// Seconds (`900`) or a Go duration (`"15m"`); never negative, at most the system TTL.
    private static func duration(_ value: HCLValue?, _ name: String) throws -> Int64? {
        let seconds: Int64?
        switch value {
        case nil: return nil
        case .int(let number)?: seconds = number
        case .string(let text)?: seconds = Int64(text) ?? GoDuration.seconds(from: text)
        default: seconds = nil
        }
        guard let seconds else { throw ConfigError("error parsing \(name): invalid duration") }
        guard seconds >= 0 else { throw ConfigError("\(name) cannot be negative") }
        return min(seconds, TokenSettings.systemTTL)
    }
}
