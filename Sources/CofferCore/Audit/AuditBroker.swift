import CofferMountKit
import Crypto
import Foundation
import Synchronization

/// The enabled audit devices: records every request and response in each, and
/// refuses the request when none could record it (fail closed).
///
/// Devices from the API persist behind the barrier (`core/audit`); devices from
/// the server config are declared at start. Each has its own HMAC salt, kept
/// behind the barrier so `sys/audit-hash` keeps matching across restarts.
package final class AuditBroker: Sendable {
    private static let tablePath = "core/audit"
    private static let saltPrefix = "core/audit-salt/"

    private let barrier: SecurityBarrier
    private let devices = Mutex<[FileAuditDevice]>([])
    private let declared = Mutex<[AuditDeviceEntry]>([])
    /// Whether `sys/audit/<path>` may enable devices (dev mode, or the unsafe config flag).
    package let apiCreationAllowed: Mutex<Bool> = Mutex(false)

    init(barrier: SecurityBarrier) {
        self.barrier = barrier
    }

    /// Devices from the server config; they open at each unseal.
    package func declare(_ entries: [AuditDeviceEntry]) {
        declared.withLock { $0 = entries.map { var entry = $0; entry.fromConfig = true; return entry } }
    }

    package func allowAPICreation(_ allowed: Bool) {
        apiCreationAllowed.withLock { $0 = allowed }
    }

    var entries: [AuditDeviceEntry] { devices.withLock { $0.map(\.entry) } }

    /// After unseal: open the config's devices and the stored ones.
    func load() async throws {
        var opened: [FileAuditDevice] = []
        let stored: [AuditDeviceEntry] = try await barrier.get(Self.tablePath).map { try JSONDecoder().decode([AuditDeviceEntry].self, from: $0) } ?? []
        for entry in declared.withLock({ $0 }) + stored {
            opened.append(try FileAuditDevice(entry: entry, salt: try await salt(for: entry.path)))
        }
        devices.withLock { $0 = opened }
    }

    func unload() {
        devices.withLock { $0 = [] }
    }

    func enable(_ entry: AuditDeviceEntry) async throws {
        guard entry.type == "file" else { throw CoreError.badRequest("unknown backend type: \(entry.type)") }
        guard !entries.contains(where: { $0.path == entry.path }) else { throw CoreError.badRequest("path already in use") }
        let device: FileAuditDevice
        do {
            device = try FileAuditDevice(entry: entry, salt: try await salt(for: entry.path))
        } catch let error as CoreError {
            throw CoreError.badRequest("sys/audit: \(entry.path) could not be enabled: \(error.description)")
        }
        let stored = (entries + [entry]).filter { !$0.fromConfig }
        try await barrier.put(Self.tablePath, try JSONEncoder().encode(stored))
        devices.withLock { $0.append(device) }
    }

    func disable(_ path: String) async throws {
        let key = path.withTrailingSlash
        guard let entry = entries.first(where: { $0.path == key }) else { return }
        if entry.fromConfig { throw CoreError.badRequest("cannot disable an audit device declared in the server config") }
        let stored = entries.filter { !$0.fromConfig && $0.path != key }
        try await barrier.put(Self.tablePath, try JSONEncoder().encode(stored))
        devices.withLock { $0.removeAll { $0.entry.path == key } }
    }

    /// `sys/audit-hash/<path>`: what the device writes for `input`.
    func hash(_ input: String, device path: String) -> String? {
        let key = path.withTrailingSlash
        return devices.withLock { $0.first { $0.entry.path == key } }?.hmac(input)
    }

    /// Writes one entry to every device. With devices enabled, at least one must
    /// take it, or the request is refused.
    func record(_ record: AuditRecord, type: String, response: Response? = nil) throws {
        let current = devices.withLock { $0 }
        guard !current.isEmpty else { return }
        var recorded = false
        for device in current {
            let line = record.line(type: type, response: response, device: device)
            if (try? device.write(line, reopenIfRemoved: type == "request")) != nil { recorded = true }
        }
        guard recorded else { throw CoreError(.internal, "internal error") }
    }

    /// SIGHUP: every file device reopens its file (log rotation).
    package func reopenAll() {
        for device in devices.withLock({ $0 }) { device.reopen() }
    }

    private func salt(for path: String) async throws -> SymmetricKey {
        let key = Self.saltPrefix + path
        if let stored = try await barrier.get(key) { return SymmetricKey(data: stored) }
        let fresh = SymmetricKey(size: .bits256)
        try await barrier.put(key, fresh.withUnsafeBytes { Data($0) })
        return fresh
    }
}
