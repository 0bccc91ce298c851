import CofferMountKit
import Crypto
import Foundation
import Logging
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
    /// The entries' `time`.
    private let clock: @Sendable () -> Date
    private let devices = Mutex<[any AuditDevice]>([])
    private let declared = Mutex<[AuditDeviceEntry]>([])
    private let logger = Logger(label: "coffer.audit")
    /// Whether `sys/audit/<path>` may enable devices (dev mode, or the unsafe config flag).
    package let apiCreationAllowed: Mutex<Bool> = Mutex(false)

    /// Write latency and device failures.
    private let metrics: AuditMetrics

    init(barrier: SecurityBarrier, clock: @escaping @Sendable () -> Date, metrics: CofferMetrics = .disabled) {
        self.barrier = barrier
        self.clock = clock
        self.metrics = metrics.audit
    }

    /// Devices from the server config; they open at each unseal.
    package func declare(_ entries: [AuditDeviceEntry]) {
        declared.withLock {
            $0 = entries.map {
                var entry = $0
                entry.fromConfig = true
                return entry
            }
        }
    }

    package func allowAPICreation(_ allowed: Bool) {
        apiCreationAllowed.withLock { $0 = allowed }
    }

    var entries: [AuditDeviceEntry] { devices.withLock { $0.map(\.entry) } }

    /// After unseal: open the config's devices and the stored ones.
    func load() async throws {
        var opened: [any AuditDevice] = []
        let stored: [AuditDeviceEntry] =
            try await barrier.get(Self.tablePath).map { try JSONDecoder().decode([AuditDeviceEntry].self, from: $0) } ?? []
        for entry in declared.withLock({ $0 }) + stored {
            opened.append(try await AuditDevices.make(entry, salt: try await salt(for: entry.path), enabling: false))
        }
        devices.withLock { $0 = opened }
    }

    func unload() async {
        for device in devices.withLock({ current in
            defer { current = [] }
            return current
        }) {
            await device.close()
        }
    }

    func enable(_ entry: AuditDeviceEntry) async throws {
        guard AuditDevices.types.contains(entry.type) else { throw CoreError.badRequest("unknown backend type: \(entry.type)") }
        guard !entries.contains(where: { $0.path == entry.path }) else { throw CoreError.badRequest("path already in use") }
        let device: any AuditDevice
        do {
            device = try await AuditDevices.make(entry, salt: try await salt(for: entry.path), enabling: true)
        } catch let error as CoreError where entry.type == "file" {
            // The file device's messages name the path (they did before the other
            // devices came); socket and syslog answer in OpenBao's words.
            throw CoreError.badRequest("sys/audit: \(entry.path) could not be enabled: \(error.description)")
        }
        let stored = (entries + [entry]).filter { !$0.fromConfig }
        do {
            try await barrier.put(Self.tablePath, try JSONEncoder().encode(stored))
        } catch {
            await device.close()
            throw error
        }
        devices.withLock { $0.append(device) }
    }

    func disable(_ path: String) async throws {
        let key = path.withTrailingSlash
        guard let entry = entries.first(where: { $0.path == key }) else { return }
        if entry.fromConfig { throw CoreError.badRequest("cannot disable an audit device declared in the server config") }
        let stored = entries.filter { !$0.fromConfig && $0.path != key }
        try await barrier.put(Self.tablePath, try JSONEncoder().encode(stored))
        let removed = devices.withLock { current in
            defer { current.removeAll { $0.entry.path == key } }
            return current.filter { $0.entry.path == key }
        }
        for device in removed { await device.close() }
    }

    /// `sys/audit-hash/<path>`: what the device writes for `input`.
    func hash(_ input: String, device path: String) -> String? {
        let key = path.withTrailingSlash
        return devices.withLock { $0.first { $0.entry.path == key } }?.redaction.hmac(input)
    }

    /// Writes one entry to every device, each redacted with its own salt. With
    /// devices enabled, at least one must take it, or the request is refused.
    func record(_ record: AuditRecord, _ kind: AuditEntry.Kind, response: Response? = nil) async throws {
        let current = devices.withLock { $0 }
        guard !current.isEmpty else { return }
        let entry = record.entry(kind, response: response, time: clock())
        var recorded = false
        let started = ContinuousClock.now
        defer { metrics.recordWrite(kind, elapsed: ContinuousClock.now - started) }
        for device in current {
            let bytes = AuditEntryWriter.line(record.redactions.redacted(entry, for: device))
            do {
                try await device.write(AuditLine(bytes: bytes, kind: kind, time: entry.time))
                recorded = true
            } catch {
                metrics.recordFailure(kind)
                // The device's words only (an errno, an address): never the line.
                logger.error(
                    "audit device failed to record the \(kind.rawValue)", metadata: ["path": "\(device.entry.path)", "error": "\(error)"])
            }
        }
        guard recorded else { throw CoreError(.internal, "internal error") }
    }

    /// SIGHUP: files reopen (log rotation), sockets reconnect.
    package func reloadAll() async {
        for device in devices.withLock({ $0 }) { await device.reload() }
    }

    private func salt(for path: String) async throws -> SymmetricKey {
        let key = Self.saltPrefix + path
        if let stored = try await barrier.get(key) { return SymmetricKey(data: stored) }
        let fresh = SymmetricKey(size: .bits256)
        try await barrier.put(key, fresh.withUnsafeBytes { Data($0) })
        return fresh
    }
}
