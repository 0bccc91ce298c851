import CoreMetrics

/// How long writing one audit entry to every device takes, and how often a
/// device fails: `coffer_audit_write_duration_seconds{kind}` and
/// `coffer_audit_write_failures_total{kind}`, `kind` being `request` or `response`.
/// Handles made once; per entry: two clock reads and one histogram observation.
struct AuditMetrics: Sendable {
    static let durationLabel = "coffer_audit_write_duration_seconds"
    static let failuresLabel = "coffer_audit_write_failures_total"

    private let requestDuration: CoreMetrics.Timer
    private let responseDuration: CoreMetrics.Timer
    private let requestFailures: CoreMetrics.Counter
    private let responseFailures: CoreMetrics.Counter

    init(factory: any MetricsFactory) {
        requestDuration = CoreMetrics.Timer(label: Self.durationLabel, dimensions: [("kind", "request")], factory: factory)
        responseDuration = CoreMetrics.Timer(label: Self.durationLabel, dimensions: [("kind", "response")], factory: factory)
        requestFailures = CoreMetrics.Counter(label: Self.failuresLabel, dimensions: [("kind", "request")], factory: factory)
        responseFailures = CoreMetrics.Counter(label: Self.failuresLabel, dimensions: [("kind", "response")], factory: factory)
    }

    func recordWrite(_ kind: AuditEntry.Kind, elapsed: Duration) {
        (kind == .request ? requestDuration : responseDuration).recordNanoseconds(RequestMetrics.nanoseconds(elapsed))
    }

    func recordFailure(_ kind: AuditEntry.Kind) {
        (kind == .request ? requestFailures : responseFailures).increment()
    }
}
