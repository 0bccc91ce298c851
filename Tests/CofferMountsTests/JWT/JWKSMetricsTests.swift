import MetricsTestKit
import Testing

@testable import CofferMounts

/// Issue 15: a JWT mount's JWKS fetches are counted by outcome, labelled with
/// the mount's path and never with the issuer's URL.
@Suite struct JWKSMetricsTests {
    /// A scheme the HTTP client refuses at once: an unreachable port would wait for its 10-second timeout.
    @Test("a fetch that fails counts as a failure under the mount's path")
    func failedFetchCounted() async throws {
        let metrics = TestMetrics()
        let keys = RemoteKeySet(
            fetcher: try KeyFetcher(caPEM: ""), discoveryURL: nil, jwksURL: "gopher://127.0.0.1/keys",
            metrics: JWKSMetrics(mount: "auth/jwt/", factory: metrics))
        _ = try? await keys.current()
        #expect(metrics.counterTotal(label: JWKSMetrics.label, dimensions: [("mount", "auth/jwt/"), ("outcome", "failure")]) == 1)
        #expect(metrics.counterTotal(label: JWKSMetrics.label, dimensions: [("mount", "auth/jwt/"), ("outcome", "success")]) == 0)
        let labelValues = metrics.counters.flatMap { $0.dimensions.map { $0.1 } }
        #expect(!labelValues.contains { $0.contains("127.0.0.1") })
    }
}
