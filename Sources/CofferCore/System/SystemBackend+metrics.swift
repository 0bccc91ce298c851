import CofferMountKit

extension SystemBackend {
    /// `sys/metrics` with a token: read only, as in Vault, whose default policy
    /// does not grant it (root does).
    static let metricsPaths: [SystemPath] = [
        route("metrics", [.read], "Reports the server's metrics: JSON, or Prometheus text with format=prometheus.") { sys, c in
            sys.metrics.answer(format: c.call.request.data["format"]?.stringValue)
        }
    ]
}
