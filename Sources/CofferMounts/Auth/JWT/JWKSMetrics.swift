import CoreMetrics

/// JWKS fetches of one JWT mount, and how many failed:
/// `coffer_jwks_fetches_total{mount, outcome}` (`success` or `failure`). A
/// discovery document that cannot be read counts as a failed fetch. Made once
/// per mount; a fetch costs one atomic add.
struct JWKSMetrics: Sendable {
    static let label = "coffer_jwks_fetches_total"

    private let succeeded: CoreMetrics.Counter
    private let failed: CoreMetrics.Counter

    /// `mount` is the route path (`auth/jwt/`), never the issuer's URL.
    init(mount: String, factory: any MetricsFactory) {
        succeeded = CoreMetrics.Counter(label: Self.label, dimensions: [("mount", mount), ("outcome", "success")], factory: factory)
        failed = CoreMetrics.Counter(label: Self.label, dimensions: [("mount", mount), ("outcome", "failure")], factory: factory)
    }

    static let disabled = JWKSMetrics(mount: "", factory: NOOPMetricsHandler.instance)

    func record(succeeded ok: Bool) {
        (ok ? succeeded : failed).increment()
    }
}
