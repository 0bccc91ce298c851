import CofferEncoding
import CofferMountKit

extension UserLockoutSettings {
    /// The fields `sys/auth/<path>/tune` shows (OpenBao `logical_system.go`).
    var json: [String: JSONValue] {
        [
            "user_lockout_counter_reset_duration": .int(counterReset),
            "user_lockout_threshold": .int(Int64(clamping: threshold)),
            "user_lockout_duration": .int(duration),
            "user_lockout_disable": .bool(disable),
        ]
    }
}

extension SystemBackend {
    /// Applies `user_lockout_config` of a tune request to `entry`, with OpenBao's
    /// keys (`lockout_threshold`, `lockout_duration`, `lockout_counter_reset_duration`,
    /// `lockout_disable`; `system` resets a duration) and messages.
    static func tuneUserLockout(_ entry: inout MountEntry, _ fields: RequestFields) throws {
        let raw: [String: JSONValue]?
        do {
            raw = try fields.map("user_lockout_config")
        } catch {
            throw CoreError.badRequest("unable to convert given user lockout config information")
        }
        guard let raw, !raw.isEmpty else { return }
        guard entry.table == .auth, UserLockoutSettings.supportedTypes.contains(entry.type.lowercased()) else {
            throw CoreError.badRequest("tuning of user lockout configuration for auth type \"\(entry.type)\" not allowed")
        }
        var settings = entry.config.userLockout ?? UserLockoutSettings()
        if let text = try text(raw["lockout_threshold"]), !text.isEmpty {
            guard let threshold = UInt64(text) else {
                throw CoreError.badRequest("unable to parse user lockout threshold: strconv.ParseUint: parsing \"\(text)\": invalid syntax")
            }
            settings.threshold = threshold
        }
        if let text = try text(raw["lockout_duration"]), !text.isEmpty {
            settings.duration = try duration(text)
        }
        if let text = try text(raw["lockout_counter_reset_duration"]), !text.isEmpty {
            settings.counterReset = try duration(text)
        }
        switch raw["lockout_disable"] {
        case nil, .null?: break
        case .bool(let flag)?: settings.disable = flag
        case .string(let text)? where ["true", "1", "t", "false", "0", "f"].contains(text.lowercased()):
            settings.disable = ["true", "1", "t"].contains(text.lowercased())
        default: throw CoreError.badRequest("unable to convert given user lockout config information")
        }
        entry.config.userLockout = settings
    }

    /// Strings as OpenBao takes them; numbers are accepted too (the CLI sends text).
    private static func text(_ value: JSONValue?) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .int(let number)?: return String(number)
        default: throw CoreError.badRequest("unable to convert given user lockout config information")
        }
    }

    /// A duration in seconds, clamped to the system maximum; `system` means unset (0).
    private static func duration(_ text: String) throws -> Int64 {
        if text == "system" { return 0 }
        guard let seconds = GoDuration.seconds(from: text) else {
            throw CoreError.badRequest("time: invalid duration \"\(text)\"")
        }
        return min(max(seconds, 0), TokenSettings.systemTTL)
    }
}
