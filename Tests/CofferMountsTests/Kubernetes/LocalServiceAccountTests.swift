import Foundation
import Synchronization
import Testing

@testable import CofferMounts

/// The pod's own token and CA: read from the service-account directory, and
/// read again once a minute so a rotated token is picked up.
@Suite struct LocalServiceAccountTests {
    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_700_000_000))
        func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
        var read: @Sendable () -> Date { { self.now.withLock { $0 } } }
    }

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("k8s-sa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a rotated token is read again after a minute, not before")
    func rotation() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "first-token\n".write(to: dir.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        let clock = Clock()
        let local = LocalServiceAccount(directory: dir.path, clock: clock.read)
        #expect(local.token() == "first-token")
        try "second-token".write(to: dir.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        clock.advance(30)
        #expect(local.token() == "first-token")
        clock.advance(31)
        #expect(local.token() == "second-token")
    }

    @Test("outside a pod there is no token and no CA; an oversized file is none")
    func absent() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let local = LocalServiceAccount(directory: dir.path)
        #expect(local.token() == nil)
        #expect(local.caCertificate() == nil)
        let huge = Data(repeating: UInt8(ascii: "a"), count: LocalServiceAccount.maximumFileSize + 1)
        try huge.write(to: dir.appendingPathComponent("token"))
        #expect(LocalServiceAccount(directory: dir.path).token() == nil)
    }
}
