import CofferCore
import CofferEncoding
import CofferMountKit
import CofferTesting
import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import CofferMounts

/// `sys/lint` over a live configuration: the guide's recommended CircleCI set-up
/// gives no finding, and the same set-up seeded with one unsafe pattern gives
/// exactly one finding, that pattern's (issue 17, acceptance 3).
@Suite struct LintAPITests {
    static let org = "cbcbeff3-d273-420e-9cce-4cf1ed7b9094"
    static let project = "786e4cb4-b6a3-4ed7-9129-dc5e00de8e77"
    static let context = "4c852bd3-9bdb-4cee-9346-3879ab35e6c3"

    /// The recommended configuration, and what each seed changes in it.
    struct Setup: Sendable, CustomTestStringConvertible {
        var name = "the guide's recommended configuration"
        var issuer = "https://oidc.circleci.com/org/\(LintAPITests.org)"
        var boundIssuer: String? = nil
        var jwtRole: [String: JSONValue] = [
            "role_type": "jwt", "user_claim": "sub", "bound_audiences": [.string(LintAPITests.org)],
            "bound_claims": [
                "oidc.circleci.com/project-id": .string(LintAPITests.project),
                "oidc.circleci.com/context-ids": [.string(LintAPITests.context)],
                "oidc.circleci.com/vcs-origin": "github.com/acme-corp/payments-api",
                "oidc.circleci.com/vcs-ref": "refs/heads/main",
            ],
            "token_policies": ["ci-production"], "token_ttl": "15m", "token_max_ttl": "1h",
        ]
        var policies: [String: String] = [
            "ci-production":
                "path \"secret/data/ci/production/*\" { capabilities = [\"read\"] }\npath \"secret/data/ci/staging/*\" { capabilities = [\"deny\"] }"
        ]
        var appRole: [String: JSONValue] = [
            // `default` too: its cubbyhole/* and sys/tools/hash/* reach no environment.
            "token_policies": ["ci-production", "default"], "secret_id_num_uses": 1, "secret_id_ttl": "10m", "token_ttl": "15m",
            "token_max_ttl": "1h",
        ]
        var audit = true
        /// Seconds the clock moves on before linting (the root token ages).
        var age: TimeInterval = 0
        /// The one finding expected; nil for none.
        var expected: String? = nil

        var testDescription: String { name }

        func seeded(_ rule: String, _ change: (inout Setup) -> Void) -> Setup {
            var setup = self
            setup.name = rule
            setup.expected = rule
            change(&setup)
            return setup
        }
    }

    static let setups: [Setup] = {
        let base = Setup()
        func claims(_ change: @escaping (inout [String: JSONValue]) -> Void) -> (inout Setup) -> Void {
            { setup in
                var bound = setup.jwtRole["bound_claims"]?.objectValue ?? [:]
                change(&bound)
                setup.jwtRole["bound_claims"] = .object(bound)
            }
        }
        return [
            base,
            base.seeded("jwt-role-audience-only", claims { $0 = [:] }),
            base.seeded("jwt-role-no-project-id", claims { $0.removeValue(forKey: "oidc.circleci.com/project-id") }),
            base.seeded("jwt-role-no-context-ids", claims { $0.removeValue(forKey: "oidc.circleci.com/context-ids") }),
            base.seeded(
                "jwt-role-no-vcs-origin",
                claims {
                    $0.removeValue(forKey: "oidc.circleci.com/vcs-origin")
                    $0.removeValue(forKey: "oidc.circleci.com/vcs-ref")
                }),
            base.seeded("jwt-no-bound-issuer") { $0.boundIssuer = "" },
            base.seeded("jwt-discovery-url-shape") { $0.issuer = "https://issuer.example/org/\(LintAPITests.org)" },
            base.seeded("jwt-audience-not-org") { $0.jwtRole["bound_audiences"] = ["vault"] },
            base.seeded("jwt-clock-skew-leeway-off") { $0.jwtRole["clock_skew_leeway"] = -1 },
            base.seeded("token-ttl-over-1h") {
                $0.jwtRole["token_ttl"] = "2h"
                $0.jwtRole["token_max_ttl"] = "4h"
            },
            base.seeded("token-max-ttl-unbounded") { $0.jwtRole.removeValue(forKey: "token_max_ttl") },
            base.seeded("policy-whole-mount") { $0.policies["broad"] = "path \"secret/*\" { capabilities = [\"read\"] }" },
            base.seeded("role-reaches-production-and-staging") {
                $0.policies["ci-all"] = "path \"secret/data/ci/*\" { capabilities = [\"read\"] }"
                $0.jwtRole["token_policies"] = ["ci-all"]
            },
            base.seeded("approle-secret-id-unbounded") { $0.appRole.removeValue(forKey: "secret_id_num_uses") },
            base.seeded("no-audit-device") { $0.audit = false },
            base.seeded("root-token-old") { $0.age = 2 * 86_400 },
        ]
    }()

    @Test("every check has a seed")
    func everyCheckSeeded() {
        #expect(Set(Self.setups.compactMap(\.expected)) == Set(LintRule.allCases.map(\.rawValue)))
    }

    @Test("the recommended configuration gives no finding; each seeded pattern gives exactly its one", arguments: setups)
    func findings(_ setup: Setup) async throws {
        let clock = ManualClock(Date())
        let core = try await TestCore.unsealed(clock: clock)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lint-audit-\(UUID().uuidString).log").path
        try await withAPI(core) { client in
            if setup.audit {
                try await client.execute(
                    uri: "/v1/sys/audit/file", method: .put, headers: rootHeaders,
                    body: jsonBody(["type": "file", "options": ["file_path": .string(path)]])
                ) { #expect($0.status == .noContent) }
            }
            for (name, text) in setup.policies {
                try await client.execute(
                    uri: "/v1/sys/policies/acl/\(name)", method: .put, headers: rootHeaders, body: jsonBody(["policy": .string(text)])
                ) { #expect($0.status == .noContent) }
            }
            for (type, role) in [("jwt", "ci-production"), ("approle", "runner")] {
                try await client.execute(
                    uri: "/v1/sys/auth/\(type)", method: .post, headers: rootHeaders, body: jsonBody(["type": .string(type)])
                ) {
                    #expect($0.status == .noContent)
                }
                let body = type == "jwt" ? setup.jwtRole : setup.appRole
                try await client.execute(
                    uri: "/v1/auth/\(type)/role/\(role)", method: .post, headers: rootHeaders, body: jsonBody(.object(body))
                ) { #expect($0.status == .noContent || $0.status == .ok, "\(type) role: \(String(buffer: $0.body))") }
            }
            // Written behind the API: a config write fetches the discovery document,
            // and the guide's issuer is not reachable from a test.
            let mount = try #require(core.router.mount(table: .auth, path: "jwt/"))
            guard case .plugin(let handler) = mount.handler, let jwt = handler as? JWTAuthMount else {
                Issue.record("no JWT mount")
                return
            }
            var config = JWTConfig()
            config.oidcDiscoveryURL = setup.issuer
            config.boundIssuer = setup.boundIssuer ?? setup.issuer
            try await jwt.state.replace(config)

            clock.advance(by: setup.age)
            let data = try await client.execute(uri: "/v1/sys/lint", method: .get, headers: rootHeaders) { response in
                #expect(response.status == .ok)
                return try #require(response.json?["data"])
            }
            let findings = data["findings"]?.arrayValue ?? []
            #expect(findings.compactMap { $0["id"]?.stringValue } == (setup.expected.map { [$0] } ?? []))
            for finding in findings {
                for key in ["id", "severity", "title", "object", "why", "fix"] {
                    #expect(finding[key]?.stringValue?.isEmpty == false, "\(key) of \(setup.name)")
                }
            }
            #expect(data["checks"]?.arrayValue?.count == LintRule.allCases.count)

            if let expected = setup.expected {
                let ignored = try await client.execute(
                    uri: "/v1/sys/lint?ignore=\(expected)", method: .get, headers: rootHeaders
                ) { try #require($0.json?["data"]?["findings"]?.arrayValue) }
                #expect(ignored.isEmpty)
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test("an unknown id to ignore is a 400")
    func unknownIgnore() async throws {
        try await withAPI(try await TestCore.unsealed()) { client in
            try await client.execute(uri: "/v1/sys/lint?ignore=no-such-check", method: .get, headers: rootHeaders) { response in
                #expect(response.status == .badRequest)
                #expect(response.errors == ["unknown lint check \"no-such-check\""])
            }
        }
    }
}
