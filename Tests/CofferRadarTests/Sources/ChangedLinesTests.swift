import Foundation
import Testing

@testable import CofferRadar

/// History scans compare only the changed lines of a modified file (spec §2.2, §15): the
/// attribution must be the one a whole-file comparison gives, with the right line numbers.
@Suite struct ChangedLinesTests {
    static func lines(_ range: Range<Int>) -> String {
        range.map { "let value\($0) = compute(\($0)) // filler line\n" }.joined()
    }

    static func text(_ bytes: [UInt8], _ windows: [Range<Int>]) -> [String] {
        windows.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test func aWindowIsTheChangedLineWithContext() {
        let old = Array(Self.lines(0..<100).utf8)
        let new = Array((Self.lines(0..<50) + "inserted line\n" + Self.lines(50..<100)).utf8)
        let changed = ChangedLines(old: old, new: new)
        #expect(changed.old.isEmpty)
        let shown = Self.text(new, changed.new)
        #expect(shown.count == 1)
        #expect(shown.first?.split(separator: "\n").count == 2 * ChangedLines.contextLines + 1)
        #expect(shown.first?.contains("inserted line") == true)
        #expect(ChangedLines.newlines(new, from: 0, upTo: changed.new.first?.lowerBound ?? 0) == 50 - ChangedLines.contextLines)
    }

    @Test func editsAtTheTopAndTheBottomAreTwoWindowsNotTheWholeFile() {
        let old = Array(("// header 2024\n" + Self.lines(0..<200) + "// end 2024\n").utf8)
        let new = Array(("// header 2025\n" + Self.lines(0..<200) + "// end 2025\n").utf8)
        let changed = ChangedLines(old: old, new: new)
        #expect(changed.new.count == 2 && changed.old.count == 2)
        #expect(changed.new.reduce(0) { $0 + $1.count } < new.count / 10)
        #expect(Self.text(new, changed.new).first?.hasPrefix("// header 2025") == true)
        #expect(Self.text(old, changed.old).last?.hasSuffix("// end 2024\n") == true)
    }

    @Test func movedLinesAreNotChanged() {
        let old = Array((Self.lines(0..<10) + Self.lines(10..<20)).utf8)
        let new = Array((Self.lines(10..<20) + Self.lines(0..<10)).utf8)
        let changed = ChangedLines(old: old, new: new)
        #expect(changed.old.isEmpty && changed.new.isEmpty)
    }

    @Test func disjointAndEmptyBlobs() {
        let some = Array(Self.lines(0..<10).utf8)
        let other = Array("completely\ndifferent\n".utf8)
        let changed = ChangedLines(old: some, new: other)
        #expect(changed.new == [0..<other.count])
        #expect(changed.old == [0..<some.count])
        #expect(ChangedLines(old: [], new: other).new == [0..<other.count])
        #expect(ChangedLines(old: some, new: []).old == [0..<some.count])
        #expect(ChangedLines(old: some, new: some).new.isEmpty)
    }

    @Test func anOpenKeyBlockWidensTheWindowToTheWholeBlock() {
        var random = SampleRandom(seed: 71)
        let key = RuleSamples.pem("RSA PRIV" + "ATE KEY", random: &random, lines: 30)
        var keyLines = key.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let old = Array((Self.lines(0..<40) + key + Self.lines(40..<80)).utf8)
        keyLines[15] = String(keyLines[15].reversed())
        let new = Array((Self.lines(0..<40) + keyLines.joined(separator: "\n") + Self.lines(40..<80)).utf8)
        for (bytes, windows) in [(new, ChangedLines(old: old, new: new).new), (old, ChangedLines(old: old, new: new).old)] {
            let shown = Self.text(bytes, windows)
            #expect(shown.count == 1)
            #expect(shown.first?.contains("-----BEGIN RSA PRIV" + "ATE KEY-----") == true)
            #expect(shown.first?.contains("-----END RSA PRIV" + "ATE KEY-----") == true)
        }
    }

    func scan(_ repository: GitRepository) throws -> ScanReport {
        try ScanHarness.scanner().scan(.git(repository: repository.path))
    }

    @Test func aSecretAddedDeepInALargeFileHasItsLineAndCommit() throws {
        let repository = try GitRepository()
        let token = Samples.githubToken(seed: 72)
        try repository.commit("base", files: ["src/big.swift": Self.lines(0..<300)])
        let added = try repository.commit(
            "add", files: ["src/big.swift": Self.lines(0..<200) + "let t = \"\(token)\"\n" + Self.lines(200..<300)])
        let removed = try repository.commit("remove", files: ["src/big.swift": Self.lines(0..<300) + "// end\n"])
        let report = try scan(repository)
        let finding = try #require(report.findings.first { $0.ruleID == "github-pat" })
        #expect(finding.firstCommit == added && finding.removedInCommit == removed)
        #expect(finding.locations.map(\.startLine) == [201, 201])
        #expect(Set(finding.locations.map(\.change)) == [.added, .removed])
        #expect(report.findings.count == 1)
    }

    @Test func aSecretMovedWithinAFileIsNotAddedAgain() throws {
        let repository = try GitRepository()
        let token = Samples.githubToken(seed: 73)
        let line = "let t = \"\(token)\"\n"
        let added = try repository.commit("add", files: ["a.swift": line + Self.lines(0..<200)])
        try repository.commit("move", files: ["a.swift": Self.lines(0..<200) + line])
        let finding = try #require(try scan(repository).findings.first { $0.ruleID == "github-pat" })
        #expect(finding.locations.map(\.commit) == [added])
        #expect(finding.inHead)
    }

    @Test func aChangedKeyLineAddsTheNewKeyAndRemovesTheOld() throws {
        let repository = try GitRepository()
        var random = SampleRandom(seed: 74)
        let key = RuleSamples.pem("RSA PRIV" + "ATE KEY", random: &random, lines: 30)
        var keyLines = key.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first = try repository.commit("key", files: ["deploy/key.pem": Self.lines(0..<40) + key + Self.lines(40..<80)])
        keyLines[15] = String(keyLines[15].reversed())
        let second = try repository.commit(
            "rotate", files: ["deploy/key.pem": Self.lines(0..<40) + keyLines.joined(separator: "\n") + Self.lines(40..<80)])
        let keys = try scan(repository).findings.filter { $0.ruleID == "private-key" }
        #expect(keys.count == 2)
        let old = try #require(keys.first { $0.firstCommit == first })
        #expect(old.removedInCommit == second && !old.inHead)
        let new = try #require(keys.first { $0.firstCommit == second })
        #expect(new.inHead && new.locations.first?.startLine == 41)
    }

    @Test func aCircleCIConfigInHistoryIsParsedAsYAML() throws {
        let repository = try GitRepository()
        let password = "Zx81" + "qLm2v9Tr4Wp6"
        let config = """
            version: 2.1
            jobs:
              deploy:
                docker:
                  - image: cimg/base:stable
                    auth:
                      username: deployer
                      password: \(password)
                steps: [checkout]

            """
        try repository.commit("ci", files: [".circleci/config.yml": "version: 2.1\n"])
        try repository.commit("ci auth", files: [".circleci/config.yml": config])
        let finding = try #require(try scan(repository).findings.first { $0.locations.first?.yamlPath != nil })
        #expect(finding.locations.first?.yamlPath == "jobs.deploy.docker[0].auth.password")
    }
}
