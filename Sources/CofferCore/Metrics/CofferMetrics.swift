import CoreMetrics

/// The metrics every part of the core records, and what `sys/metrics` renders
/// them with. Made once per server from the factory the server injects (the
/// Prometheus registry's); tests and tools get `.disabled`, which records nothing.
///
/// Nothing here bootstraps swift-metrics' global `MetricsSystem`: each core gets
/// its factory through its initializer, so tests that build several cores never
/// share (or fight over) one process-wide registry.
package final class CofferMetrics: Sendable {
    package let factory: any MetricsFactory
    package let requests: RequestMetrics
    package let logins: LoginMetrics
    let audit: AuditMetrics
    /// Renders what was recorded; nil when nothing is kept (then `sys/metrics` is empty).
    let exposition: (any MetricsExposition)?
    /// `prometheus_retention_time` was set: only then does `format=prometheus` answer (as in OpenBao).
    let prometheusEnabled: Bool

    package init(factory: any MetricsFactory, exposition: (any MetricsExposition)?, prometheusEnabled: Bool) {
        self.factory = factory
        self.requests = RequestMetrics(factory: factory)
        self.logins = LoginMetrics(factory: factory)
        self.audit = AuditMetrics(factory: factory)
        self.exposition = exposition
        self.prometheusEnabled = prometheusEnabled
    }

    /// Records nothing and renders empty metrics.
    package static var disabled: CofferMetrics {
        CofferMetrics(factory: NOOPMetricsHandler.instance, exposition: nil, prometheusEnabled: false)
    }
}

/// What renders the recorded metrics: the server's Prometheus registry.
package protocol MetricsExposition: Sendable {
    /// Everything recorded so far, in the Prometheus text format (version 0.0.4).
    func prometheusText() -> String
}
