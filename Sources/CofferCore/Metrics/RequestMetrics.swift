import CoreMetrics
import Synchronization

/// Requests and their latency per route family and mount:
/// `coffer_requests_total{family, mount, outcome}` and
/// `coffer_request_duration_seconds{family, mount}` (a histogram).
///
/// Cost per request, on the hot path: one clock read at each end, one mutex-held
/// dictionary lookup keyed by the mount path, mount type and two small enums (no
/// string is formatted: label values are made once per label set, on its first
/// request), one atomic add for the counter and one histogram observation
/// (swift-prometheus: a short lock and a walk over a dozen buckets).
package final class RequestMetrics: Sendable {
    package static let countLabel = "coffer_requests_total"
    package static let durationLabel = "coffer_request_duration_seconds"

    private struct Key: Hashable {
        let route: RouteLabel
        let outcome: RequestOutcome
    }

    private struct Handles: Sendable {
        let count: CoreMetrics.Counter
        let duration: CoreMetrics.Timer
    }

    private let factory: any MetricsFactory
    /// Label sets made so far. Bounded by the mount table (mount paths are the
    /// operator's, not the client's) times actions times outcomes.
    private let handles = Mutex<[Key: Handles]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    package func record(_ route: RouteLabel, _ outcome: RequestOutcome, elapsed: Duration) {
        let key = Key(route: route, outcome: outcome)
        let made = handles.withLock { $0[key] } ?? make(key)
        made.count.increment()
        made.duration.recordNanoseconds(Self.nanoseconds(elapsed))
    }

    /// The first request of a label set: its handles, kept for every later one.
    private func make(_ key: Key) -> Handles {
        let family = key.route.family
        let made = Handles(
            count: CoreMetrics.Counter(
                label: Self.countLabel,
                dimensions: [("family", family), ("mount", key.route.mount), ("outcome", key.outcome.rawValue)], factory: factory),
            duration: CoreMetrics.Timer(
                label: Self.durationLabel, dimensions: [("family", family), ("mount", key.route.mount)], factory: factory)
        )
        return handles.withLock { table in
            if let kept = table[key] { return kept }
            table[key] = made
            return made
        }
    }

    /// Whole nanoseconds, saturating.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? 0 : .max }
        let (sum, overflowSum) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowSum ? .max : max(0, sum)
    }
}
