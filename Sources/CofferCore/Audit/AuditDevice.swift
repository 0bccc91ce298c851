import Crypto
import Foundation
import NIOCore

/// Where audit lines go: a file, a socket, the local syslog. The broker makes
/// each entry, redacts it with the device's `redaction` and hands the device the
/// written line; a device that could not deliver it throws, so that the broker
/// can refuse the request when no device took it (fail closed).
package protocol AuditDevice: AnyObject, Sendable {
    /// The table row: path, type, options as given.
    var entry: AuditDeviceEntry { get }
    /// This device's salt and hashing options.
    var redaction: AuditRedaction { get }
    func write(_ line: AuditLine) async throws
    /// SIGHUP: files are reopened, sockets reconnected (log rotation, a moved collector).
    func reload() async
    /// The device was disabled or the core sealed: let go of its file or connection.
    func close() async
}

/// One written audit line and what a device may need besides its bytes.
package struct AuditLine: Sendable {
    package var bytes: Data
    package var kind: AuditEntry.Kind
    /// The entry's time (the syslog header carries it too).
    package var time: Date

    package init(bytes: Data, kind: AuditEntry.Kind, time: Date) {
        self.bytes = bytes
        self.kind = kind
        self.time = time
    }
}

/// The device types `sys/audit/<path>` and the server config can enable.
enum AuditDevices {
    static let types = ["file", "socket", "syslog"]

    /// A device for `entry`. `enabling`: the device is being enabled now, so a
    /// socket is dialled as Vault's test message does, and an unreachable
    /// address refuses the enable instead of every request after it.
    static func make(_ entry: AuditDeviceEntry, salt: SymmetricKey, enabling: Bool) async throws -> any AuditDevice {
        switch entry.type {
        case "file":
            return try FileAuditDevice(entry: entry, salt: salt)
        case "socket":
            let device = try SocketAuditDevice(entry: entry, salt: salt)
            if enabling { try await device.connectForTest() }
            return device
        case "syslog":
            return try await SyslogAuditDevice(entry: entry, salt: salt)
        default:
            throw CoreError.badRequest("unknown backend type: \(entry.type)")
        }
    }
}

/// The options Vault's socket and syslog devices share (`format`,
/// `hmac_accessor`, `log_raw`, `elide_list_responses`), read as Go reads them so
/// that a bad value is refused with OpenBao's message.
///
/// (The file device keeps its older, more lenient reading of the same options.)
enum VaultAuditOptions {
    static func redaction(_ options: [String: String], salt: SymmetricKey) throws -> AuditRedaction {
        switch options["format"] ?? "json" {
        case "json": break
        case "jsonx": throw CoreError.badRequest("unsupported format \"jsonx\": only json")
        case let other: throw CoreError.badRequest("unknown format type \"\(other)\"")
        }
        let hashesAccessors = try options["hmac_accessor"].map(parseBool) ?? true
        let logsRaw = try options["log_raw"].map(parseBool) ?? false
        // Accepted and checked as OpenBao does; list responses are written whole.
        _ = try options["elide_list_responses"].map(parseBool)
        return AuditRedaction(salt: salt, logsRaw: logsRaw, hashesAccessors: hashesAccessors)
    }

    /// Go's `strconv.ParseBool`, with its error text.
    static func parseBool(_ text: String) throws -> Bool {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: throw CoreError.badRequest("strconv.ParseBool: parsing \(goQuoted(text)): invalid syntax")
        }
    }

    /// A value in an error as Go's `%q` shows it (quotes and backslashes escaped).
    static func goQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension Channel {
    /// Writes one audit line and waits until the kernel has it. A peer that
    /// stops reading must not hold the request past `deadline`: the connection
    /// is then closed, which fails the pending write (and the device redials).
    func writeAuditLine(_ bytes: Data, deadline: TimeAmount) async throws {
        let written = eventLoop.makePromise(of: Void.self)
        writeAndFlush(allocator.buffer(bytes: bytes), promise: written)
        let timer = eventLoop.scheduleTask(in: deadline) { [self] in close(promise: nil) }
        defer { timer.cancel() }
        try await written.futureResult.get()
    }
}
