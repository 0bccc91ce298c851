import Foundation
import Testing

@testable import CofferRadar

/// `coffer radar migrate` (issue 23, acceptance 5): a config with three hardcoded secrets
/// gives three `kv put` commands and a patch after which radar finds nothing and the job
/// logs in with its OIDC token.
@Suite struct MigrationPlannerTests {
    struct Fixture {
        let text: String
        let secrets: [String]
    }

    static func fixture() -> Fixture {
        var random = SampleRandom(seed: 77)
        let apiKey = random.alnum(32)
        let token = Samples.githubToken(seed: 78)
        let password = random.alnum(20)
        let text = """
            version: 2.1
            jobs:
              deploy:
                docker:
                  - image: cimg/base:stable
                environment:
                  PAYMENTS_API_KEY: \(apiKey)
                  REGION: eu-west-1
                steps:
                  - checkout
                  - run:
                      name: Publish
                      command: |
                        export GH_TOKEN=\(token)
                        curl -u deploy:\(password) https://artifacts.example.com/upload
            workflows:
              main:
                jobs: [deploy]

            """
        return Fixture(text: text, secrets: [apiKey, token, password])
    }

    func plan(_ fixture: Fixture) throws -> (MigrationPlan, ScanReport) {
        let root = try ScanHarness.temporaryDirectory()
        let file = root.appendingPathComponent(".circleci/config.yml")
        try ScanHarness.write(fixture.text, to: file)
        let report = try ScanHarness.scanner { $0.project = "shop" }.scan(.circleCIConfig([file.path]))
        return (
            MigrationPlanner(role: "circleci-shop").plan(configPath: ".circleci/config.yml", text: fixture.text, findings: report.findings),
            report
        )
    }

    @Test func threeSecretsGiveThreeKVPutsThatNeverHoldTheValues() throws {
        let fixture = Self.fixture()
        let (plan, report) = try plan(fixture)
        #expect(report.activeFindings.count == 3)
        #expect(plan.items.count == 3)
        #expect(plan.items.allSatisfy { $0.mount == "secret" && $0.path.hasPrefix("circleci/shop/") })
        #expect(plan.script.components(separatedBy: "kv put").count - 1 == 3)
        for secret in fixture.secrets {
            // Booleans first: a failed expectation prints its operands, and these hold secrets.
            let inScript = plan.script.contains(secret)
            let added = plan.patch.contains("+" + secret)
            let inReview = plan.reviewPatch.contains(secret)
            #expect(!inScript && !added && !inReview)
        }
    }

    @Test func theKVPutCommandsReadExactlyTheValuesFromTheFile() throws {
        let fixture = Self.fixture()
        let (plan, _) = try plan(fixture)
        let lines = fixture.text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
        let extracted = plan.items.map { item in
            String(decoding: lines[item.line - 1][(item.column - 1)..<(item.column - 1 + item.length)], as: UTF8.self)
        }
        let same = Set(extracted) == Set(fixture.secrets)
        #expect(same)
    }

    @Test func thePatchedConfigHasNoFindingsAndLogsInWithOIDC() throws {
        let (plan, _) = try plan(Self.fixture())
        let patched = plan.patchedConfig
        let rescan = try ScanHarness.scanner().scan(.bytes(label: ".circleci/config.yml", content: Array(patched.utf8)))
        #expect(rescan.activeFindings.map(\.ruleID) == [])
        let root = try ScanHarness.temporaryDirectory()
        try ScanHarness.write(patched, to: root.appendingPathComponent("config.yml"))
        let asConfig = try ScanHarness.scanner().scan(.circleCIConfig([root.path]))
        #expect(asConfig.activeFindings.map(\.ruleID) == [])
        #expect(asConfig.errors.isEmpty)
        let logsIn = patched.contains("auth/jwt/login role=circleci-shop jwt=\"$CIRCLE_OIDC_TOKEN_V2\"")
        let readsKey = patched.contains(
            "export PAYMENTS_API_KEY=\"$(bao kv get -mount=secret -field=value circleci/shop/PAYMENTS_API_KEY)\"")
        let referencesToken = patched.contains("export GH_TOKEN=${GH_TOKEN}")
        let keepsRegion = patched.contains("REGION: eu-west-1")
        #expect(logsIn && readsKey && referencesToken && keepsRegion)
        #expect(plan.patch.hasPrefix("--- a/.circleci/config.yml\n+++ b/.circleci/config.yml\n@@ "))
    }

    @Test func theDiffHunksCountTheirLines() throws {
        var edits = LineEdits("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n")
        edits.delete(line: 2)
        edits.replace(line: 9, column: 1, length: 1, with: "I")
        edits.insert(["new"], before: 5)
        #expect(edits.result() == "a\nc\nd\nnew\ne\nf\ng\nh\nI\nj\n")
        let diff = edits.unifiedDiff(path: "f")
        #expect(diff.contains("@@ -1,10 +1,10 @@"))
    }

    /// A deploy key pasted into the config as a literal block scalar under `environment:`.
    static func blockFixture(strip: Bool) -> Fixture {
        var random = SampleRandom(seed: 79)
        let key = RuleSamples.pem("RSA PRIV" + "ATE KEY", random: &random)
        let block = key.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n")
        let text = """
            version: 2.1
            jobs:
              deploy:
                docker:
                  - image: cimg/base:stable
                environment:
                  DEPLOY_KEY: \(strip ? "|-" : "|")
            \(block)

                  REGION: eu-west-1
                steps:
                  - checkout
                  - run: ./deploy.sh
            workflows:
              main:
                jobs: [deploy]

            """
        return Fixture(text: text, secrets: [strip ? String(key.dropLast()) : key])
    }

    @Test(arguments: [false, true])
    func aPEMKeyInABlockScalarMovesWholeAndThePatchAppliedLeavesNoFinding(strip: Bool) throws {
        let fixture = Self.blockFixture(strip: strip)
        let (plan, report) = try plan(fixture)
        #expect(report.activeFindings.contains { $0.ruleID == "private-key" })
        let item = try #require(plan.items.first)
        #expect(plan.items.map(\.name) == ["DEPLOY_KEY"])
        #expect(item.line == 8 && item.endLine == 21)
        #expect(!plan.notes.contains { $0.contains("DEPLOY_KEY") })

        // The patch applies with git and gives the planned config, in which radar finds nothing.
        let repository = try GitRepository()
        try repository.write(fixture.text, to: ".circleci/config.yml")
        try repository.write(plan.patch, to: "config.patch")
        try repository.run("apply", "config.patch")
        let applied = try String(contentsOf: repository.url.appendingPathComponent(".circleci/config.yml"), encoding: .utf8)
        #expect(applied == plan.patchedConfig)
        let rescan = try ScanHarness.scanner().scan(.directory([repository.url.appendingPathComponent(".circleci").path]))
        #expect(rescan.activeFindings.map(\.ruleID) == [])
        #expect(rescan.errors.isEmpty)
        let readsKey = applied.contains("export DEPLOY_KEY=\"$(bao kv get -mount=secret -field=value circleci/shop/DEPLOY_KEY)\"")
        let keepsRegion = applied.contains("      REGION: eu-west-1\n")
        #expect(readsKey && keepsRegion)

        // The kv put reads back the value YAML gives the job, final line break included or not.
        try repository.write(fixture.text, to: "original.yml")
        let putLine = try #require(plan.script.split(separator: "\n").first { $0.contains("kv put") })
        let start = try #require(putLine.range(of: "=@<(")?.upperBound)
        let end = try #require(putLine.range(of: ") >/dev/null", options: .backwards)?.lowerBound)
        let read = try Self.bash("CONFIG=original.yml; " + putLine[start..<end], in: repository.url)
        let same = read == fixture.secrets[0]
        #expect(same)
        let bodyLine = String(fixture.secrets[0].split(separator: "\n")[2])
        let leaked = plan.script.contains(bodyLine) || plan.reviewPatch.contains(bodyLine) || plan.patch.contains("+" + bodyLine)
        #expect(!leaked)
    }

    /// Stdout of `command` run by bash in `directory`.
    static func bash(_ command: String, in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
