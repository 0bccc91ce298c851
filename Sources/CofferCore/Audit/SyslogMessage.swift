import Foundation

/// A message for the local syslog daemon as Go's `log/syslog` (and so Vault's
/// syslog device) writes it: `<PRI>Mmm dd hh:mm:ss TAG[PID]: MSG`, RFC 3164's
/// header without the hostname (a local socket omits it), ending in a newline.
struct SyslogMessage: Sendable, Equatable {
    /// Vault's device logs at `info`.
    static let infoSeverity = 6

    /// The facilities `hashicorp/go-syslog` accepts, by name (any case), to their codes.
    static let facilities: [String: Int] = [
        "KERN": 0, "USER": 1, "MAIL": 2, "DAEMON": 3, "AUTH": 4, "SYSLOG": 5, "LPR": 6, "NEWS": 7, "UUCP": 8, "CRON": 9,
        "AUTHPRIV": 10, "FTP": 11, "LOCAL0": 16, "LOCAL1": 17, "LOCAL2": 18, "LOCAL3": 19, "LOCAL4": 20, "LOCAL5": 21,
        "LOCAL6": 22, "LOCAL7": 23,
    ]

    let priority: Int
    let tag: String
    let pid: Int32

    /// Throws OpenBao's message for an unknown facility.
    init(facility: String, tag: String, pid: Int32 = getpid()) throws {
        guard let code = Self.facilities[facility.uppercased()] else {
            throw CoreError.badRequest("invalid syslog facility: \(facility.uppercased())")
        }
        priority = code << 3 | Self.infoSeverity
        self.tag = tag
        self.pid = pid
    }

    /// The datagram for one line; `timeZone` is the server's, as Go's `time.Stamp` uses local time.
    func datagram(_ line: Data, at time: Date, timeZone: TimeZone = .current) -> Data {
        var message = Data("<\(priority)>\(Self.stamp(time, timeZone)) \(tag)[\(pid)]: ".utf8)
        message.append(line)
        if line.last != UInt8(ascii: "\n") { message.append(UInt8(ascii: "\n")) }
        return message
    }

    /// Go's `time.Stamp`: `Jan _2 15:04:05` (the day padded with a space).
    static func stamp(_ time: Date, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.month, .day, .hour, .minute, .second], from: time)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let month = months[max(0, min(11, (parts.month ?? 1) - 1))]
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        let day = parts.day ?? 1
        return "\(month) \(day < 10 ? " \(day)" : "\(day)") \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
    }
}
