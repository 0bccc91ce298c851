import Foundation
import Testing

@testable import CofferRadar

/// CircleCI env-var listings (spec §2.4): inventory, classification by name, age, sprawl,
/// shadowing and migration status, from the raw API pages and the combined export.
@Suite struct EnvVarListingTests {
    static let projectPage = """
        {"items": [
          {"name": "NPM_TOKEN", "value": "xxxx1a2b", "created_at": "2025-01-01T10:00:00.000Z"},
          {"name": "AWS_SECRET_ACCESS_KEY", "value": "xxxxk9Zq", "created_at": "2025-12-20T10:00:00Z"},
          {"name": "NODE_ENV", "value": "xxxxtion", "created_at": "2025-12-20T10:00:00Z"},
          {"name": "DOCKERHUB_PASSWORD", "value": "xxxx0000", "created_at": "2025-12-20T10:00:00Z"}
        ], "next_page_token": null}
        """

    static let combined = """
        {"projects": [
           {"slug": "gh/acme/api", "items": [{"name": "GITHUB_TOKEN", "value": "xxxxabcd", "created_at": "2025-12-01T00:00:00Z"}]},
           {"slug": "gh/acme/web", "items": [{"name": "GITHUB_TOKEN", "value": "xxxxefgh", "created_at": "2025-12-01T00:00:00Z"}]}
         ],
         "contexts": [
           {"id": "7a0322cc-b8ce-485e-9a6f-06a11f5a2a75", "name": "deploy", "items": [
             {"variable": "GITHUB_TOKEN", "context_id": "7a0322cc-b8ce-485e-9a6f-06a11f5a2a75",
              "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-02-01T00:00:00Z"}]}
         ]}
        """

    func scan(_ text: String, _ configure: (inout RadarScanOptions) -> Void = { _ in }) throws -> ScanReport {
        let root = try ScanHarness.temporaryDirectory()
        let file = root.appendingPathComponent("envvars.json")
        try ScanHarness.write(text, to: file)
        return try ScanHarness.scanner(configure).scan(.circleCIEnvVars([file.path]))
    }

    @Test func secretNamesAreFindingsAndTheRestIsInventory() throws {
        let report = try scan(Self.projectPage) { $0.project = "api" }
        let byName = Dictionary(uniqueKeysWithValues: report.findings.map { ($0.migration?.name ?? $0.locations[0].yamlPath ?? "", $0) })
        #expect(report.errors.isEmpty)
        #expect(report.findings.count == 4)
        let npm = try #require(byName["NPM_TOKEN"])
        #expect(npm.ruleID == "circleci-envvar-credential" && npm.severity == .medium)
        #expect(npm.tags.contains("credential-type:npm-token"))
        #expect(npm.tags.contains("not-rotated"))  // 365 days old against the 180-day default
        #expect(npm.migration?.cofferPath == "secret/data/circleci/api/NPM_TOKEN")
        #expect(npm.locations[0].startLine == 2)
        #expect(byName["AWS_SECRET_ACCESS_KEY"]?.tags.contains("not-rotated") == false)
        #expect(byName["DOCKERHUB_PASSWORD"]?.tags.contains("credential-type:registry-password") == true)
        let inventory = report.findings.filter { $0.ruleID == "circleci-envvar-inventory" }
        #expect(inventory.count == 1 && inventory[0].severity == .info)
        // Neither the mask nor its last four characters reach the report.
        let json = String(decoding: JSONReportRenderer().render(report), as: UTF8.self)
        #expect(!json.contains("1a2b") && !json.contains("k9Zq"))
        #expect(ExitStatus.code(for: report) == ExitStatus.findings)
    }

    @Test func sprawlAndShadowingAcrossProjectsAndContexts() throws {
        let report = try scan(Self.combined)
        #expect(report.findings.count == 3)
        #expect(report.findings.allSatisfy { $0.tags.contains("defined-in:3") })
        let projects = report.findings.filter { $0.tags.contains("project") }
        #expect(projects.count == 2 && projects.allSatisfy { $0.tags.contains("shadows-context-variable") })
        let context = try #require(report.findings.first { $0.tags.contains("context") })
        #expect(context.migration?.contexts == ["deploy"])
        #expect(context.redacted == "(no value exported)")
        #expect(Set(report.findings.map(\.valueHash)).count == 3)  // one identity per scope
    }

    @Test func aMappingTellsMigratedVariablesStillDefinedFromOnesNotYetMoved() throws {
        let report = try scan(Self.projectPage) { $0.envVarMapping = ["NPM_TOKEN": "secret/data/ci/npm"] }
        let npm = try #require(report.findings.first { $0.migration?.name == "NPM_TOKEN" })
        #expect(npm.ruleID == "circleci-envvar-migrated-still-defined" && npm.severity == .high)
        #expect(npm.migration?.cofferPath == "secret/data/ci/npm")
        let aws = try #require(report.findings.first { $0.migration?.name == "AWS_SECRET_ACCESS_KEY" })
        #expect(aws.tags.contains("not-migrated"))
    }

    @Test func correlatingProjectVariablesCarryTheirLastFourHash() throws {
        let hasher = try #require(
            CorrelationHasher(hashKey: ScanHarness.key, parameters: .init(rounds: 1 << 10, blockSize: 8, parallelism: 1)))
        var report = try scan(Self.combined) { $0.correlationHasher = hasher }
        let project = try #require(
            report.findings.first { $0.tags.contains("project") && $0.locations[0].yamlPath?.contains("acme/api") == true })
        let hash = try #require(ScanHarness.key.last4Hash("abcd"))
        #expect(project.correlationHash == hash)
        #expect(report.findings.first { $0.tags.contains("context") }?.correlationHash == nil)
        report.applyLastFourCorrelation([
            hash: CofferSecretRef(mount: "secret/", path: "ci/gh", field: "token", version: 1, state: "current")
        ])
        let tagged = report.findings.filter { $0.tags.contains("possible-coffer-match:secret/ci/gh#token") }
        #expect(tagged.count == 1 && tagged[0].severity == .medium)  // a hint: no change of severity
    }

    @Test func listingFindingsRenderAsSARIFWithTheirRules() throws {
        let scanner = try ScanHarness.scanner()
        let report = try scan(Self.combined)
        let data = try SARIFRenderer().render(report, rules: scanner.rules, redaction: .partial)
        let log = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        let rules = try #require((run["tool"] as? [String: Any]).flatMap { ($0["driver"] as? [String: Any])?["rules"] as? [[String: Any]] })
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == result["ruleId"] as? String)
        }
    }
}
