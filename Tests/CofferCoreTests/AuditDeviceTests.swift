import Crypto
import Foundation
import Testing

@testable import CofferCore

#if canImport(Glibc)
    import Glibc
#endif

/// The socket and syslog devices against sockets the test owns: options and
/// errors in OpenBao's words, and the bytes that reach the other end.
@Suite struct AuditDeviceTests {
    static let salt = SymmetricKey(data: Data(repeating: 1, count: 32))
    static let line = AuditLine(
        bytes: Data("{\"type\":\"request\"}\n".utf8), kind: .request, time: Date(timeIntervalSince1970: 1_800_000_000))

    static func entry(_ type: String, _ options: [String: String]) -> AuditDeviceEntry {
        AuditDeviceEntry(path: type, type: type, description: "", options: options)
    }

    @Test("syslog messages: priority from facility and info, Go's stamp, tag and pid, one newline")
    func syslogMessage() throws {
        let message = try SyslogMessage(facility: "auth", tag: "coffer", pid: 42)
        let utc = try #require(TimeZone(identifier: "UTC"))
        let text = String(
            decoding: message.datagram(Self.line.bytes, at: Date(timeIntervalSince1970: 1_799_136_000), timeZone: utc), as: UTF8.self)
        #expect(text == "<38>Jan  5 08:00:00 coffer[42]: {\"type\":\"request\"}\n")
        #expect(try SyslogMessage(facility: "LOCAL7", tag: "t").priority == 23 << 3 | 6)
        #expect(throws: CoreError.badRequest("invalid syslog facility: BOGUS")) { try SyslogMessage(facility: "bogus", tag: "t") }
    }

    @Test("socket options are refused with OpenBao's messages")
    func socketOptions() {
        #expect(throws: CoreError.badRequest("address is required")) {
            try SocketAuditDevice(entry: Self.entry("socket", [:]), salt: Self.salt)
        }
        #expect(throws: CoreError.badRequest("time: invalid duration \"soon\"")) {
            try SocketAuditDevice(entry: Self.entry("socket", ["address": "127.0.0.1:1", "write_timeout": "soon"]), salt: Self.salt)
        }
        #expect(throws: CoreError.badRequest("unknown format type \"xml\"")) {
            try SocketAuditDevice(entry: Self.entry("socket", ["address": "127.0.0.1:1", "format": "xml"]), salt: Self.salt)
        }
        #expect(throws: CoreError.badRequest("strconv.ParseBool: parsing \"maybe\": invalid syntax")) {
            try SocketAuditDevice(entry: Self.entry("socket", ["address": "127.0.0.1:1", "hmac_accessor": "maybe"]), salt: Self.salt)
        }
    }

    @Test("enabling a socket device whose address refuses fails with both dial errors, as OpenBao")
    func unreachableSocket() async throws {
        let (held, port) = try Self.refusingPort()
        defer { Glibc.close(held) }
        let device = try SocketAuditDevice(entry: Self.entry("socket", ["address": "127.0.0.1:\(port)"]), salt: Self.salt)
        let dial = "dial tcp 127.0.0.1:\(port): connect: connection refused"
        await #expect(throws: CoreError.badRequest("audit backend failed test message: 2 errors occurred:\n\t* \(dial)\n\t* \(dial)\n\n")) {
            try await device.connectForTest()
        }
        await #expect(throws: (any Error).self) { try await device.write(Self.line) }
    }

    @Test("the syslog device sends each line as one datagram to the daemon's socket")
    func syslogDatagram() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("syslog-\(UUID().uuidString.prefix(8)).sock").path
        let receiver = try DatagramReceiver(path: path)
        defer { receiver.close() }
        let device = try await SyslogAuditDevice(entry: Self.entry("syslog", ["tag": "coffer"]), salt: Self.salt, sockets: [path])
        try await device.write(Self.line)
        let received = try #require(receiver.receive())
        #expect(received.hasPrefix("<38>") && received.contains(" coffer[\(getpid())]: {\"type\":\"request\"}\n"))
        await device.close()
    }

    @Test("no syslog daemon: the device cannot be made, with Go's message")
    func noDaemon() async {
        await #expect(throws: CoreError.badRequest("Unix syslog delivery error")) {
            try await SyslogAuditDevice(entry: Self.entry("syslog", [:]), salt: Self.salt, sockets: ["/nonexistent/coffer-test.sock"])
        }
    }

    /// A TCP port nothing listens on: bound, read, closed.
    /// A port that refuses connections: bound but never listening, and kept bound
    /// until the caller closes it, so no other test's listener can take it meanwhile
    /// (a port closed before the dial could be reused by a parallel test).
    static func refusingPort() throws -> (socket: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            Glibc.close(fd)
            throw CoreError(.internal, "no port")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// A unix datagram socket standing in for the syslog daemon.
struct DatagramReceiver {
    let fd: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
        guard bound else { throw CoreError(.internal, "cannot bind the test socket") }
        // A receive that never comes must fail the test, not hang it.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self) : nil
    }

    func close() {
        Glibc.close(fd)
        unlink(path)
    }
}
