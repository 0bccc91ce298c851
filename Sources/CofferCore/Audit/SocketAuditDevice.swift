import CofferEncoding
import CofferMountKit
import Crypto
import Foundation
import NIOCore
import NIOPosix

/// The `socket` audit device, as Vault's: one JSON line per entry to a TCP,
/// UDP or unix stream socket (`address`, `socket_type` = tcp, `write_timeout` =
/// 2s bounding both the dial and each write).
///
/// A write that fails (or finds the connection closed by the peer) dials again
/// and tries once more, as Vault's device does; if that fails too the broker is
/// told, and with no other device taking the line the request is refused.
/// The actor keeps one connection: a dial in progress is shared by the writes
/// waiting on it rather than repeated.
package actor SocketAuditDevice: AuditDevice {
    package nonisolated let entry: AuditDeviceEntry
    package nonisolated let redaction: AuditRedaction
    let endpoint: SocketEndpoint
    let writeTimeout: TimeAmount
    private let group: any EventLoopGroup
    /// The current connection, done or being made.
    private var connection: Task<any Channel, any Error>?

    package init(entry: AuditDeviceEntry, salt: SymmetricKey, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        guard let address = entry.options["address"] else { throw CoreError.badRequest("address is required") }
        let timeout = entry.options["write_timeout"] ?? "2s"
        guard let seconds = GoDuration.interval(from: timeout) else {
            throw CoreError.badRequest("time: invalid duration \(VaultAuditOptions.goQuoted(timeout))")
        }
        self.entry = entry
        redaction = try VaultAuditOptions.redaction(entry.options, salt: salt)
        endpoint = SocketEndpoint(network: entry.options["socket_type"] ?? "tcp", address: address)
        // Go takes a zero or negative deadline as "already passed"; a floor keeps the dial possible.
        writeTimeout = .nanoseconds(Int64(max(seconds, 0.001) * 1e9))
        self.group = group
    }

    /// Enable's check: Vault writes a test message, which dials, fails, dials
    /// again and reports both failures; here the two dials, without the line.
    func connectForTest() async throws {
        do {
            _ = try await channel()
        } catch let first {
            do {
                _ = try await channel()
            } catch let second {
                throw CoreError.badRequest("audit backend failed test message: 2 errors occurred:\n\t* \(first)\n\t* \(second)\n\n")
            }
        }
    }

    package func write(_ line: AuditLine) async throws {
        do {
            try await send(line.bytes)
        } catch {
            // Once more on a fresh connection, as Vault's device does.
            drop()
            try await send(line.bytes)
        }
    }

    package func reload() async {
        drop()
    }

    package func close() async {
        drop()
    }

    private func send(_ bytes: Data) async throws {
        try await channel().writeAuditLine(bytes, deadline: writeTimeout)
    }

    /// The open connection, or a new one when there is none or the peer closed it.
    private func channel() async throws -> any Channel {
        if let current = connection {
            if let channel = try? await current.value, channel.isActive { return channel }
            // Another write may have replaced it while this one waited.
            if connection == current { drop() } else { return try await self.channel() }
        }
        let (endpoint, group, timeout) = (endpoint, group, writeTimeout)
        let dial = Task { () async throws -> any Channel in try await endpoint.connect(group: group, timeout: timeout) }
        connection = dial
        do {
            return try await dial.value
        } catch {
            // Only the dial that failed is forgotten; a newer one may have replaced it.
            if connection == dial { connection = nil }
            throw error
        }
    }

    private func drop() {
        guard let connection else { return }
        self.connection = nil
        Task { try? await connection.value.close(promise: nil) }
    }
}
