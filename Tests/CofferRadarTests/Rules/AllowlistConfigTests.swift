import Foundation
import Testing

@testable import CofferRadar

/// `.coffer-radar.yml` (spec §6): path, value, stopword, commit and fingerprint allowlists,
/// rule switches, `extends: none`, custom rules with their own allowlist, and the repository's
/// own config read only on request (`--use-repo-config`).
@Suite struct AllowlistConfigTests {
    static let token = Samples.githubToken(seed: 61)
    static let other = Samples.githubToken(seed: 62)

    func scan(_ text: String, path: String = "src/app.env", config yaml: String) throws -> ScanReport {
        let config = try RadarConfig.parse(yaml)
        return try ScanHarness.scanner { $0.config = config }.scan(.bytes(label: path, content: Array(text.utf8)))
    }

    @Test func pathPatternsSkipMatchingFilesOnly() throws {
        let config = "version: 1\nallow:\n  paths: [\"(^|/)testdata/\"]\n"
        #expect(try scan("t=\(Self.token)\n", path: "pkg/testdata/a.env", config: config).findings.isEmpty)
        #expect(try scan("t=\(Self.token)\n", path: "pkg/data/a.env", config: config).findings.map(\.ruleID) == ["github-pat"])
    }

    @Test func pathPatternsSkipFilesInADirectoryScan() throws {
        let root = try ScanHarness.temporaryDirectory()
        try ScanHarness.write("t=\(Self.token)\n", to: root.appendingPathComponent("fixtures/a.env"))
        try ScanHarness.write("t=\(Self.other)\n", to: root.appendingPathComponent("app/b.env"))
        let config = try RadarConfig.parse("allow:\n  paths: [\"^fixtures/\"]\n")
        let report = try ScanHarness.scanner { $0.config = config }.scan(.directory([root.path]))
        #expect(report.findings.map(\.path) == ["app/b.env"])
    }

    @Test func valuePatternsAndStopwordsDropOnlyTheValuesTheyMatch() throws {
        let text = "a=\(Self.token)\nb=\(Self.other)\n"
        let byValue = try scan(text, config: "allow:\n  values: [\"\(Self.token.suffix(6))$\"]\n")
        #expect(byValue.findings.count == 1)
        #expect(byValue.allowlisted == 1)
        let byStopword = try scan(text, config: "allow:\n  stopwords: [\"\(Self.other.dropFirst(10).prefix(8))\"]\n")
        #expect(byStopword.findings.count == 1)
        #expect(byStopword.findings.first?.locations.first?.startLine == 1)
    }

    @Test func aFingerprintDropsThatValueAnywhere() throws {
        let first = try scan("a=\(Self.token)\n", config: "version: 1\n")
        let hash = try #require(first.findings.first?.valueHash)
        let report = try scan(
            "a=\(Self.token)\nb=\(Self.other)\n", path: "elsewhere.txt", config: "allow:\n  fingerprints: [\"\(hash)\"]\n")
        #expect(report.findings.count == 1)
        #expect(report.findings.first?.valueHash != hash)
    }

    @Test func aCommitIsAllowlistedInFullOrAbbreviated() throws {
        let repository = try GitRepository()
        let first = try repository.commit("one", files: ["a.env": "T=\(Self.token)\n"])
        try repository.commit("two", files: ["b.env": "T=\(Self.other)\n"])
        for listed in [first, String(first.prefix(10))] {
            let config = try RadarConfig.parse("allow:\n  commits: [\"\(listed)\"]\n")
            let report = try ScanHarness.scanner { $0.config = config }.scan(.git(repository: repository.path))
            #expect(report.findings.map(\.path) == ["b.env"])
        }
        // Too short a prefix matches nothing: six hex digits would silence too much.
        let config = try RadarConfig.parse("allow:\n  commits: [\"\(first.prefix(6))\"]\n")
        #expect(try ScanHarness.scanner { $0.config = config }.scan(.git(repository: repository.path)).findings.count == 2)
    }

    @Test func disableAndEnableRules() throws {
        #expect(try scan("t=\(Self.token)\n", config: "disable_rules: [github-pat]\n").findings.isEmpty)
        // High-entropy rules are off in ordinary files; enabling one by id runs it there too.
        var random = SampleRandom(seed: 63)
        let blob = "x " + random.string(SampleRandom.base64, 48) + "\n"
        #expect(try scan(blob, path: "notes.txt", config: "version: 1\n").findings.isEmpty)
        let enabled = try scan(blob, path: "notes.txt", config: "enable_rules: [high-entropy-base64]\n")
        #expect(enabled.findings.map(\.ruleID) == ["high-entropy-base64"])
    }

    @Test func extendsNoneRunsOnlyCustomRulesAndDropsTheBuiltInPathList() throws {
        let yaml = """
            extends: none
            rules:
              - id: acme-internal-token
                description: ACME internal service token
                keywords: ["acme_"]
                pattern: "acme_[A-Za-z0-9]{32}"
                entropy_min: 3.5
                severity: high
            """
        let custom = "acme_" + "Zq8Lm2Xv9Tr4Wp6Yk1Hs3Df5Gj7Bn0Cx"
        let report = try scan("t=\(Self.token)\nk=\(custom)\n", path: "vendor/lib.env", config: yaml)
        #expect(report.findings.map(\.ruleID) == ["acme-internal-token"])
        // With the default rule set, vendor/ is on the built-in path allowlist.
        #expect(try scan("t=\(Self.token)\n", path: "vendor/lib.env", config: "version: 1\n").findings.isEmpty)
    }

    @Test func aCustomRulesOwnAllowlistAppliesToThatRuleOnly() throws {
        let yaml = """
            rules:
              - id: acme-internal-token
                keywords: ["acme_"]
                pattern: "acme_[A-Za-z0-9]{32}"
                allow: { paths: ["^docs/"], values: ["0000$"] }
            """
        let custom = "acme_" + "Zq8Lm2Xv9Tr4Wp6Yk1Hs3Df5Gj7Bn0Cx"
        let inDocs = try scan("k=\(custom)\nt=\(Self.token)\n", path: "docs/setup.txt", config: yaml)
        #expect(inDocs.findings.map(\.ruleID) == ["github-pat"])
        #expect(try scan("k=\(custom)\n", path: "src/a.txt", config: yaml).findings.map(\.ruleID) == ["acme-internal-token"])
        let zeros = "acme_" + "Zq8Lm2Xv9Tr4Wp6Yk1Hs3Df5Gj7B0000"
        #expect(try scan("k=\(zeros)\n", path: "src/a.txt", config: yaml).findings.isEmpty)
    }

    @Test func invalidConfigsAreConfigurationErrors() throws {
        #expect(throws: RadarError.invalidConfig("")) { try RadarConfig.parse("allow: [unclosed") }
        let badPath = try RadarConfig.parse("allow:\n  paths: [\"(unclosed\"]\n")
        #expect(throws: RadarError.invalidConfig("")) { try ScanHarness.scanner { $0.config = badPath } }
        let noKeywords = try RadarConfig.parse("rules:\n  - id: x\n    keywords: []\n    pattern: a\n")
        #expect(throws: RadarError.invalidConfig("")) { try ScanHarness.scanner { $0.config = noKeywords } }
    }

    @Test func theRepositoryConfigIsReadFromTheDirectoryRoot() throws {
        let root = try ScanHarness.temporaryDirectory()
        #expect(try RadarConfig.load(from: .directory(root.path)) == nil)
        try ScanHarness.write("disable_rules: [github-pat]\n", to: root.appendingPathComponent(".coffer-radar.yml"))
        let config = try #require(try RadarConfig.load(from: .directory(root.path)))
        #expect(config.disableRules == ["github-pat"])
        try ScanHarness.write("allow: [", to: root.appendingPathComponent(".coffer-radar.yml"))
        #expect(throws: RadarError.invalidConfig("")) { try RadarConfig.load(from: .directory(root.path)) }
    }

    @Test func theRepositoryConfigIsTheCommittedOneAtTheDefaultBranchTip() throws {
        let repository = try GitRepository()
        try repository.commit("code", files: ["a.env": "T=\(Self.token)\n"])
        #expect(try RadarConfig.load(from: .repository(repository.path, ref: "HEAD")) == nil)
        try repository.commit("config", files: [".coffer-radar.yml": "allow:\n  paths: [\"^a\\\\.env$\"]\n"])
        // An uncommitted edit is not what the repository says.
        try repository.write("disable_rules: [everything]\n", to: ".coffer-radar.yml")
        let config = try #require(try RadarConfig.load(from: .repository(repository.path, ref: "HEAD")))
        #expect(config.allow?.paths == ["^a\\.env$"])
        let report = try ScanHarness.scanner { $0.config = config }.scan(.git(repository: repository.path))
        #expect(report.findings.isEmpty)
    }
}
