import CoreMetrics
import Foundation

/// `sys/metrics`: the state gauges refreshed, then everything rendered as JSON or,
/// with `format=prometheus`, as Prometheus text. Reached through the pipeline
/// (a token whose policy grants `read` on `sys/metrics`) or, on a listener with
/// `telemetry { unauthenticated_metrics_access = true }`, straight from the HTTP
/// layer, sealed or not, as in Vault.
package struct MetricsEndpoint: Sendable {
    let metrics: CofferMetrics
    let barrier: SecurityBarrier
    let expiration: ExpirationManager
    let ha: HACoordinator?
    let clock: @Sendable () -> Date

    package static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The answer for `format` (absent or empty: JSON). OpenBao's words for a
    /// Prometheus request without `prometheus_retention_time` and for an unknown
    /// format, in plain text with 400.
    package func answer(format: String?) -> Response {
        refreshGauges()
        let text = metrics.exposition?.prometheusText() ?? ""
        switch format ?? "" {
        case "":
            return .raw(status: 200, body: MetricsJSON.body(prometheusText: text, at: clock()))
        case "prometheus":
            guard metrics.prometheusEnabled else { return .text(status: 400, contentType: "text/plain", body: "prometheus is not enabled") }
            return .text(status: 200, contentType: Self.prometheusContentType, body: text)
        case let other:
            return .text(status: 400, contentType: "text/plain", body: "metric response format \"\(other)\" unknown")
        }
    }

    /// State read at scrape time, so the hot path pays nothing for it: seal state,
    /// tokens and leases waiting to expire, and on an HA node whether it leads.
    private func refreshGauges() {
        let factory = metrics.factory
        Gauge(label: "coffer_core_unsealed", dimensions: [], factory: factory).record(barrier.isSealed ? 0 : 1)
        Gauge(label: "coffer_expire_num_tokens", dimensions: [], factory: factory).record(expiration.pendingTokenCount)
        Gauge(label: "coffer_expire_num_leases", dimensions: [], factory: factory).record(expiration.pendingLeaseCount)
        guard let ha else { return }
        let active: Int
        switch ha.state {
        case .active: active = 1
        case .standby, .inactive: active = 0
        }
        Gauge(label: "coffer_core_active", dimensions: [], factory: factory).record(active)
    }
}
