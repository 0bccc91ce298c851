import CofferCore
import CoreMetrics
import Prometheus

/// The server's metrics: one Prometheus registry per server, handed to every
/// part as a swift-metrics factory (never bootstrapped globally, so tests that
/// run several servers in one process keep theirs apart).
package struct PrometheusMetrics: MetricsExposition {
    package let registry: PrometheusCollectorRegistry
    package let factory: PrometheusMetricsFactory

    package init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // A secrets server answers in well under a millisecond from memory; the
        // default buckets start at 5 ms and would put every request in the first.
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.factory = factory
    }

    package func prometheusText() -> String {
        registry.emitToString()
    }

    /// 100 µs to 10 s.
    static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    /// The core's metrics on this registry, with `format=prometheus` on when the config says so.
    package func coreMetrics(prometheusEnabled: Bool) -> CofferMetrics {
        CofferMetrics(factory: factory, exposition: self, prometheusEnabled: prometheusEnabled)
    }
}
