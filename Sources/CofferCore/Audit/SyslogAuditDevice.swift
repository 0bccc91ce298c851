import Crypto
import Foundation
import NIOCore
import NIOPosix

/// The `syslog` audit device, as Vault's: each entry as one message at
/// `info` to the local syslog daemon's unix socket, options `facility` (AUTH)
/// and `tag` ("vault").
///
/// Like Go's `log/syslog`, it dials at creation (no daemon: the enable, or the
/// unseal that loads it, fails with "Unix syslog delivery error"), and a write
/// that fails dials again and tries once more before the broker is told.
package actor SyslogAuditDevice: AuditDevice {
    /// Where the local daemon listens, tried in this order (Go's list).
    static let standardSockets = ["/dev/log", "/var/run/syslog", "/var/run/log"]
    /// Not a Vault option: an environment variable naming the one socket to use
    /// instead, so that tests can stand in for the daemon.
    static let socketEnvironmentVariable = "COFFER_SYSLOG_SOCKET"

    package nonisolated let entry: AuditDeviceEntry
    package nonisolated let redaction: AuditRedaction
    let message: SyslogMessage
    private let sockets: [String]
    private let group: any EventLoopGroup
    private var channel: (any Channel)?

    /// - Parameter sockets: the daemon's socket paths; by default the
    ///   environment variable's, else the standard ones.
    package init(
        entry: AuditDeviceEntry, salt: SymmetricKey, sockets: [String]? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws {
        let facility = entry.options["facility"] ?? "AUTH"
        let tag = entry.options["tag"] ?? "vault"
        self.entry = entry
        redaction = try VaultAuditOptions.redaction(entry.options, salt: salt)
        // Go's syslog writer names the program when the tag is empty.
        message = try SyslogMessage(facility: facility, tag: tag.isEmpty ? CommandLine.arguments[0] : tag)
        if let sockets {
            self.sockets = sockets
        } else if let override = ProcessInfo.processInfo.environment[Self.socketEnvironmentVariable], !override.isEmpty {
            self.sockets = [override]
        } else {
            self.sockets = Self.standardSockets
        }
        self.group = group
        channel = try await Self.dial(self.sockets, group: group)
    }

    package func write(_ line: AuditLine) async throws {
        let datagram = message.datagram(line.bytes, at: line.time)
        if let channel, channel.isActive, (try? await channel.writeAuditLine(datagram, deadline: Self.deadline)) != nil {
            return
        }
        drop()
        let fresh = try await Self.dial(sockets, group: group)
        // Another write may have dialled meanwhile: keep one connection.
        if let other = channel, other !== fresh { other.close(promise: nil) }
        channel = fresh
        try await fresh.writeAuditLine(datagram, deadline: Self.deadline)
    }

    package func reload() async {}

    package func close() async {
        drop()
    }

    /// Go allows a local write 20 ms; a loaded server's event loop may need
    /// longer, and a refused request costs more than a slow one.
    private static let deadline = TimeAmount.seconds(2)

    private func drop() {
        channel?.close(promise: nil)
        channel = nil
    }

    /// A datagram socket to the first path that takes one, then a stream socket
    /// (some systems' `/dev/log`), as Go's `unixSyslog` tries them.
    private static func dial(_ paths: [String], group: any EventLoopGroup) async throws -> any Channel {
        for path in paths {
            if let channel = try? await DatagramBootstrap(group: group).connect(to: SocketAddress(unixDomainSocketPath: path)).get() {
                return channel
            }
        }
        for path in paths {
            if let channel = try? await ClientBootstrap(group: group).connect(unixDomainSocketPath: path).get() {
                return channel
            }
        }
        throw CoreError.badRequest("Unix syslog delivery error")
    }
}
