import CoreMetrics
import Foundation

/// A durable backend with each operation timed: `coffer_storage_operation_duration_seconds`,
/// by backend and operation. It sits below the read cache, so it measures what
/// the database costs, not what a cached read costs.
///
/// Cost per operation: two monotonic clock reads and one histogram observation
/// (swift-prometheus: a short lock and a walk over a dozen buckets). The timers
/// are made once here, never per call. Keys never reach a label.
package final class MeasuredStorage: PhysicalStorage {
    private let backing: any PhysicalStorage
    private let getTimer: CoreMetrics.Timer
    private let putTimer: CoreMetrics.Timer
    private let deleteTimer: CoreMetrics.Timer
    private let listTimer: CoreMetrics.Timer
    private let deletePrefixTimer: CoreMetrics.Timer
    private let applyTimer: CoreMetrics.Timer

    package static let durationLabel = "coffer_storage_operation_duration_seconds"

    package init(_ backing: any PhysicalStorage, metrics: any MetricsFactory) {
        self.backing = backing
        func timer(_ operation: String) -> CoreMetrics.Timer {
            CoreMetrics.Timer(
                label: Self.durationLabel, dimensions: [("backend", backing.typeName), ("operation", operation)], factory: metrics)
        }
        getTimer = timer("get")
        putTimer = timer("put")
        deleteTimer = timer("delete")
        listTimer = timer("list")
        deletePrefixTimer = timer("delete_prefix")
        applyTimer = timer("apply")
    }

    package var typeName: String { backing.typeName }

    package func get(_ key: String) async throws -> Data? {
        try await timed(getTimer) { try await backing.get(key) }
    }

    package func put(_ key: String, _ value: Data) async throws {
        try await timed(putTimer) { try await backing.put(key, value) }
    }

    package func delete(_ key: String) async throws {
        try await timed(deleteTimer) { try await backing.delete(key) }
    }

    package func list(prefix: String) async throws -> [String] {
        try await timed(listTimer) { try await backing.list(prefix: prefix) }
    }

    package func delete(prefix: String) async throws {
        try await timed(deletePrefixTimer) { try await backing.delete(prefix: prefix) }
    }

    package func apply(_ writes: [PhysicalWrite]) async throws {
        try await timed(applyTimer) { try await backing.apply(writes) }
    }

    package func forgetCached() { backing.forgetCached() }

    /// A failed operation is timed too: a slow failure is what an operator looks for.
    private func timed<T>(_ timer: CoreMetrics.Timer, _ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer { timer.recordNanoseconds(Self.nanoseconds(ContinuousClock.now - start)) }
        return try await body()
    }

    /// Whole nanoseconds, saturating (a duration never overflows a timer).
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? 0 : .max }
        let (sum, overflowSum) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowSum ? .max : max(0, sum)
    }
}
