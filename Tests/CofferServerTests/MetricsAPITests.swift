import CofferCore
import CofferEncoding
import CofferTesting
import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import CofferServer

/// Issue 15, `sys/metrics` over the HTTP channel production serves: a token
/// with the right policy, or none on a listener with
/// `telemetry { unauthenticated_metrics_access = true }`, as in Vault.
@Suite struct MetricsAPITests {
    static func core(prometheus: Bool = true) async throws -> Core {
        try await TestCore.unsealed(metrics: PrometheusMetrics().coreMetrics(prometheusEnabled: prometheus))
    }

    static func text(_ response: APITestResponse) -> String { String(buffer: response.body) }

    @Test("without the listener's telemetry flag, sys/metrics without a token is refused as OpenBao refuses it")
    func refusedWithoutToken() async throws {
        try await withAPI(try await Self.core()) { client in
            let anonymous = try await client.execute(uri: "/v1/sys/metrics", method: .get)
            #expect(anonymous.status == .forbidden)
            #expect(anonymous.errors == ["permission denied"])
            let root = try await client.execute(uri: "/v1/sys/metrics?format=prometheus", method: .get, headers: rootHeaders)
            #expect(root.status == .ok)
            #expect(root.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(Self.text(root).contains("coffer_requests_total{"))
        }
    }

    @Test("with unauthenticated_metrics_access, sys/metrics answers without a token, ignores one, and refuses other methods")
    func unauthenticatedAccess() async throws {
        try await withAPI(try await Self.core(), listener: { $0.unauthenticatedMetricsAccess = true }) { client in
            let json = try await client.execute(uri: "/v1/sys/metrics", method: .get)
            #expect(json.status == .ok)
            #expect(json.headers[.contentType] == "application/json")
            #expect(json.json?["Gauges"]?.arrayValue != nil)
            let bogus: HTTPFields = [HTTPField.Name("X-Vault-Token")!: "not-a-token"]
            let prometheus = try await client.execute(uri: "/v1/sys/metrics?format=prometheus", method: .get, headers: bogus)
            #expect(prometheus.status == .ok)
            #expect(Self.text(prometheus).contains("coffer_core_unsealed 1"))
            let post = try await client.execute(uri: "/v1/sys/metrics", method: .post)
            #expect(post.status == .methodNotAllowed)
            #expect(post.errors == [])
        }
    }

    @Test("format=prometheus without prometheus_retention_time answers OpenBao's 400 in plain text")
    func prometheusOff() async throws {
        try await withAPI(try await Self.core(prometheus: false), listener: { $0.unauthenticatedMetricsAccess = true }) { client in
            let answer = try await client.execute(uri: "/v1/sys/metrics?format=prometheus", method: .get)
            #expect(answer.status == .badRequest)
            #expect(answer.headers[.contentType] == "text/plain")
            #expect(Self.text(answer) == "prometheus is not enabled")
        }
    }

    @Test("the config reads the telemetry stanza and the listener's telemetry block")
    func configTelemetry() throws {
        let config = try ServerConfig(
            hcl: """
                listener "tcp" {
                  address = "127.0.0.1:8200"
                  tls_disable = true
                  telemetry {
                    unauthenticated_metrics_access = true
                  }
                }
                telemetry {
                  prometheus_retention_time = "30s"
                  disable_hostname = true
                  statsd_address = "127.0.0.1:8125"
                }
                """)
        #expect(config.listeners.first?.unauthenticatedMetricsAccess == true)
        #expect(config.telemetry == TelemetrySettings(prometheusRetentionSeconds: 30, disableHostname: true))
        #expect(config.ignoredKeys == ["telemetry.statsd_address"])
        let plain = try ServerConfig(hcl: "listener \"tcp\" {\n  address = \"127.0.0.1:8200\"\n  tls_disable = true\n}\n")
        #expect(plain.listeners.first?.unauthenticatedMetricsAccess == false)
        #expect(!plain.telemetry.prometheusEnabled)
        #expect(throws: ConfigError.self) {
            try ServerConfig(hcl: "listener \"tcp\" {\n  tls_disable = true\n}\ntelemetry {\n  prometheus_retention_time = \"soon\"\n}\n")
        }
    }
}
