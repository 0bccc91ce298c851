import CofferEncoding
import CofferMountKit
import CofferTesting
import CoreMetrics
import Foundation
import Prometheus
import Testing

@testable import CofferCore

/// Issue 15, metrics: counters move with requests and logins, `sys/metrics`
/// answers as OpenBao's does, and no label ever carries a token, a secret or a
/// path below its mount.
@Suite struct MetricsTests {
    /// The registry a server would give the core, rendered as the server renders it.
    struct Registry: MetricsExposition {
        let registry = PrometheusCollectorRegistry()
        func prometheusText() -> String { registry.emitToString() }

        func metrics(prometheus: Bool = true) -> CofferMetrics {
            CofferMetrics(factory: PrometheusMetricsFactory(registry: registry), exposition: self, prometheusEnabled: prometheus)
        }

        /// The value of the sample with exactly these labels, nil when there is none.
        func value(_ name: String, _ labels: [String: String]) -> Double? {
            for line in prometheusText().split(separator: "\n") where !line.hasPrefix("#") {
                guard let sample = MetricsJSON.Sample(line), sample.name == name, sample.labels == labels else { continue }
                return sample.value
            }
            return nil
        }
    }

    static func call(
        _ core: Core, _ operation: Request.Operation, _ path: String, _ data: [String: JSONValue] = [:],
        token: String? = TestCore.rootToken
    ) async -> Response {
        await core.handle(Request(operation: operation, path: path, data: data, token: token))
    }

    @Test("a KV read counts under its mount and family, and the text names neither the secret, its value nor the token")
    func requestCountersMoveWithoutPaths() async throws {
        let registry = Registry()
        let core = try await TestCore.unsealed(metrics: registry.metrics())
        let path = "secret/data/ci/production/db-hunter-name"
        _ = await Self.call(core, .write, path, ["data": ["password": "value-never-in-metrics"]])
        let labels = ["family": "kv read", "mount": "secret/", "outcome": "ok"]
        #expect(registry.value("coffer_requests_total", labels) == nil)
        for _ in 0..<2 { _ = await Self.call(core, .read, path) }
        #expect(registry.value("coffer_requests_total", labels) == 2)
        #expect(registry.value("coffer_requests_total", ["family": "kv write", "mount": "secret/", "outcome": "ok"]) == 1)
        #expect(registry.value("coffer_request_duration_seconds_count", ["family": "kv read", "mount": "secret/"]) == 2)
        _ = await Self.call(core, .read, path, token: "not-a-real-token-value")
        #expect(registry.value("coffer_requests_total", ["family": "kv read", "mount": "secret/", "outcome": "permission_denied"]) == 1)

        let text = registry.prometheusText()
        for leak in ["db-hunter-name", "ci/production", "value-never-in-metrics", TestCore.rootToken, "not-a-real-token-value"] {
            #expect(!text.contains(leak), "the metrics name something they must not")
        }
    }

    @Test("route families name the mount type and what was done, never the path")
    func routeFamilies() {
        #expect(RouteLabel(mount: "auth/jwt/", mountType: "jwt", isAuth: true, action: .login).family == "auth/jwt login")
        #expect(RouteLabel(mount: "secret/", mountType: "kv", isAuth: false, action: .read).family == "kv read")
        #expect(RouteLabel(mount: "sys/", mountType: "system", isAuth: false, action: .write).family == "sys write")
        #expect(RouteLabel.unrouted(.list).family == "none list")
    }

    @Test("sys/metrics needs a token whose policy grants it; root reads Vault's JSON keys")
    func metricsEndpointNeedsPolicy() async throws {
        let registry = Registry()
        let core = try await TestCore.unsealed(metrics: registry.metrics(prometheus: false))
        guard case .error(let anonymous) = await Self.call(core, .read, "sys/metrics", token: nil) else {
            Issue.record("sys/metrics answered without a token")
            return
        }
        #expect(anonymous.code == .permissionDenied)
        guard case .logical(let created) = await Self.call(core, .write, "auth/token/create", ["policies": ["default"]]),
            let plain = created.auth["client_token"]?.stringValue
        else {
            Issue.record("no token")
            return
        }
        guard case .error(let refused) = await Self.call(core, .read, "sys/metrics", token: plain) else {
            Issue.record("the default policy read sys/metrics")
            return
        }
        #expect(refused.code == .forbidden)
        guard case .raw(let status, let body) = await Self.call(core, .read, "sys/metrics") else {
            Issue.record("root did not get JSON")
            return
        }
        #expect(status == 200)
        #expect(body.map { $0.0 } == ["Timestamp", "Gauges", "Points", "Counters", "Samples"])
        guard case .text(let promStatus, let promType, let promBody) = await Self.call(core, .read, "sys/metrics", ["format": "prometheus"])
        else {
            Issue.record("no text answer")
            return
        }
        #expect(promStatus == 400 && promType == "text/plain" && promBody == "prometheus is not enabled")
        guard case .text(let otherStatus, _, let otherBody) = await Self.call(core, .read, "sys/metrics", ["format": "xml"]) else {
            Issue.record("no text answer")
            return
        }
        #expect(otherStatus == 400 && otherBody == "metric response format \"xml\" unknown")
    }

    @Test("with Prometheus on, the text carries the seal state and the request counters")
    func prometheusText() async throws {
        let registry = Registry()
        let core = try await TestCore.unsealed(metrics: registry.metrics())
        _ = await Self.call(core, .read, "sys/mounts")
        guard case .text(let status, let type, let text) = await Self.call(core, .read, "sys/metrics", ["format": "prometheus"]) else {
            Issue.record("no text answer")
            return
        }
        #expect(status == 200 && type == MetricsEndpoint.prometheusContentType)
        #expect(text.contains("coffer_core_unsealed 1"))
        #expect(text.contains("# TYPE coffer_requests_total counter"))
        #expect(registry.value("coffer_requests_total", ["family": "sys read", "mount": "sys/", "outcome": "ok"]) ?? 0 >= 1)
    }

    @Test("logins count per mount and role, success and failure, and neither the secret ID nor the token shows")
    func loginOutcomes() async throws {
        let registry = Registry()
        let core = try await TestCore.unsealed(metrics: registry.metrics())
        _ = await Self.call(core, .write, "sys/auth/approle", ["type": "approle"])
        _ = await Self.call(core, .write, "auth/approle/role/ci", ["token_ttl": "1h"])
        guard case .logical(let roleRead) = await Self.call(core, .read, "auth/approle/role/ci/role-id"),
            let roleID = roleRead.data["role_id"]?.stringValue,
            case .logical(let secretWrite) = await Self.call(core, .write, "auth/approle/role/ci/secret-id"),
            let secretID = secretWrite.data["secret_id"]?.stringValue
        else {
            Issue.record("no AppRole credentials")
            return
        }
        let login = await Self.call(
            core, .write, "auth/approle/login", ["role_id": .string(roleID), "secret_id": .string(secretID)], token: nil)
        guard case .logical(let answer) = login, let token = answer.auth["client_token"]?.stringValue else {
            Issue.record("the login failed")
            return
        }
        _ = await Self.call(core, .write, "auth/approle/login", ["role_id": .string(roleID), "secret_id": "wrong-secret-id"], token: nil)
        #expect(registry.value("coffer_logins_total", ["mount": "auth/approle/", "role": "ci", "outcome": "success"]) == 1)
        #expect(registry.value("coffer_logins_total", ["mount": "auth/approle/", "role": "", "outcome": "failure"]) == 1)
        #expect(registry.value("coffer_requests_total", ["family": "auth/approle login", "mount": "auth/approle/", "outcome": "ok"]) == 1)
        let text = registry.prometheusText()
        for leak in [secretID, roleID, token, "wrong-secret-id"] {
            #expect(!text.contains(leak), "the metrics carry a credential")
        }
    }

    @Test("a role name a client sends becomes a label only when it looks like one, and never grows the registry without bound")
    func loginRoleLabelsBounded() {
        #expect(LoginMetrics.roleLabel("ci-deploy_prod.v2") == "ci-deploy_prod.v2")
        #expect(LoginMetrics.roleLabel(nil) == "")
        #expect(LoginMetrics.roleLabel("a\"} 1\nforged_metric 9") == "_invalid")
        #expect(LoginMetrics.roleLabel(String(repeating: "r", count: 129)) == "_invalid")

        let registry = Registry()
        let logins = registry.metrics().logins
        for index in 0..<(LoginMetrics.maximumLabelSets + 50) {
            logins.record(mount: "auth/jwt/", role: "role\(index)", succeeded: false)
        }
        let lines = registry.prometheusText().split(separator: "\n").filter { $0.hasPrefix("coffer_logins_total{") }
        #expect(lines.count == LoginMetrics.maximumLabelSets + 1)
        #expect(registry.value("coffer_logins_total", ["mount": "auth/jwt/", "role": "_other", "outcome": "failure"]) == 50)
    }

    @Test("audit writes are timed per kind")
    func auditWriteLatency() async throws {
        let registry = Registry()
        let core = try await TestCore.unsealed(metrics: registry.metrics())
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-metrics-audit-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: file) }
        _ = await Self.call(core, .write, "sys/audit/file", ["type": "file", "options": ["file_path": .string(file.path)]])
        _ = await Self.call(core, .read, "sys/mounts")
        #expect(registry.value("coffer_audit_write_duration_seconds_count", ["kind": "request"]) ?? 0 >= 1)
        #expect(registry.value("coffer_audit_write_duration_seconds_count", ["kind": "response"]) ?? 0 >= 1)
    }

    @Test("the JSON form reads gauges, counters and histograms from the text, escapes undone")
    func jsonFromText() {
        let text = """
            # TYPE g gauge
            g{a="x\\"y"} 1
            # TYPE c_total counter
            c_total{m="secret/"} 3
            # TYPE h histogram
            h_bucket{f="kv read",le="0.1"} 2
            h_bucket{f="kv read",le="+Inf"} 2
            h_sum{f="kv read"} 0.5
            h_count{f="kv read"} 2

            """
        let body = Dictionary(uniqueKeysWithValues: MetricsJSON.body(prometheusText: text, at: Date(timeIntervalSince1970: 0)))
        #expect(body["Timestamp"] == "1970-01-01 00:00:00 +0000 UTC")
        #expect(body["Gauges"] == [["Name": "g", "Value": 1, "Labels": ["a": "x\"y"]]])
        #expect(body["Counters"] == [["Name": "c_total", "Count": 3, "Sum": 3, "Labels": ["m": "secret/"]]])
        #expect(body["Samples"] == [["Name": "h", "Count": 2, "Sum": .double(0.5), "Mean": .double(0.25), "Labels": ["f": "kv read"]]])
        #expect(body["Points"] == [])
    }
}
