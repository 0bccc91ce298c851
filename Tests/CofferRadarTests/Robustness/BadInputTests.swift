import Foundation
import Testing

@testable import CofferRadar

/// Bad input (issue 23): binary files, huge single-line files, invalid UTF-8, broken YAML,
/// a corrupt git object and symlink loops are scanned as far as possible and reported,
/// never a crash or a hang.
@Suite struct BadInputTests {
    @Test func binaryFilesAreSkippedAndCountedAndTheirNeighboursScanned() throws {
        let root = try ScanHarness.temporaryDirectory()
        let token = Samples.githubToken(seed: 10)
        try Data([0x7F, 0x45, 0x4C, 0x46, 0, 0, 1] + Array("token \(token)".utf8)).write(to: root.appendingPathComponent("tool.bin"))
        try ScanHarness.write("token \(Samples.githubToken(seed: 11))\n", to: root.appendingPathComponent("notes.txt"))
        let report = try ScanHarness.scanner().scan(.directory([root.path]))
        #expect(report.skippedFiles == 1)
        #expect(report.findings.map(\.path) == ["notes.txt"])
        #expect(report.errors.isEmpty)
    }

    @Test func aHugeSingleLineFileIsScannedInLinearTime() throws {
        // 6 MiB on one line, dense with keywords every rule family reacts to.
        var line = ""
        let filler = "password=\"\" token: AKIA ghp_ xoxb- sk_live_ eyJ -----BEGIN secret=\u{20}"
        while line.utf8.count < 6 * 1024 * 1024 { line += filler }
        let token = Samples.githubToken(seed: 12)
        line += " " + token
        // No timing asserted here (a loaded CI machine made a bound flaky): a
        // quadratic scan of 6 MiB would not finish at all; scripts/bench-radar measures speed.
        let report = try ScanHarness.scanner().scan(.bytes(label: "huge.txt", content: Array(line.utf8)))
        #expect(report.findings.contains { $0.ruleID == "github-pat" && $0.locations.first?.startLine == 1 })
        let snippet = report.findings.first { $0.ruleID == "github-pat" }?.locations.first?.snippet ?? ""
        #expect(snippet.utf8.count < 1024)
    }

    @Test func invalidUTF8AroundASecretKeepsLinesAndColumnsInBytes() throws {
        let token = Samples.githubToken(seed: 13)
        var bytes: [UInt8] = [0xFF, 0xFE, 0x0A, 0xC3, 0x28, 0x20]  // a bad BOM line, then a broken sequence
        bytes += Array("k=".utf8) + Array(token.utf8) + [0x80, 0x0A]
        let report = try ScanHarness.scanner().scan(.bytes(label: "mixed.txt", content: bytes))
        let finding = try #require(report.findings.first { $0.ruleID == "github-pat" })
        #expect(finding.locations.first?.startLine == 2)
        #expect(finding.locations.first?.startColumn == 6)
        let leaked = finding.locations.first?.snippet.contains(token) ?? true
        #expect(!leaked)
    }

    @Test func brokenYAMLInACircleCIConfigIsReportedAndStillScannedAsText() throws {
        let root = try ScanHarness.temporaryDirectory()
        let token = Samples.githubToken(seed: 14)
        let text = "version: 2.1\njobs:\n  build:\n    environment:\n      GH: \(token)\n    steps: [unclosed\n  : : -\n"
        try ScanHarness.write(text, to: root.appendingPathComponent(".circleci/config.yml"))
        let report = try ScanHarness.scanner().scan(.directory([root.path]))
        #expect(report.findings.contains { $0.ruleID == "github-pat" })
        #expect(report.errors.contains { $0.contains("cannot parse CircleCI config") })
        #expect(ExitStatus.code(for: report) == ExitStatus.scanError)
        let configOnly = try ScanHarness.scanner().scan(.circleCIConfig([root.appendingPathComponent(".circleci").path]))
        #expect(!configOnly.errors.isEmpty)
    }

    @Test func aCorruptObjectCostsOnlyTheCommitsThatNeedIt() throws {
        let repository = try GitRepository()
        let early = Samples.githubToken(seed: 15)
        let late = Samples.githubToken(seed: 16)
        try repository.commit("early", files: ["early.txt": "token \(early)\n"])
        try repository.commit("victim", files: ["victim.txt": "content that will be damaged \(UUID().uuidString)\n"])
        try repository.commit("late", files: ["late.txt": "token \(late)\n"])
        let blob = try repository.run("rev-parse", "HEAD~1:victim.txt")
        let object = repository.url.appendingPathComponent(".git/objects/\(blob.prefix(2))/\(blob.dropFirst(2))")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: object.path)
        try Data("not zlib at all".utf8).write(to: object)
        let report = try ScanHarness.scanner().scan(.git(repository: repository.path))
        let found = Set(report.findings.filter { $0.ruleID == "github-pat" }.map(\.path))
        #expect(found == ["early.txt", "late.txt"])
        #expect(report.errors.contains { $0.contains("cannot read a blob of victim.txt") })
        #expect(ExitStatus.code(for: report) == ExitStatus.scanError)
    }

    @Test func aCorruptTreeCostsTheCommitsThatNeedItAndTheWalkGoesOn() throws {
        let repository = try GitRepository()
        let early = Samples.githubToken(seed: 18)
        try repository.commit("early", files: ["early.txt": "token \(early)\n"])
        try repository.commit("victim", files: ["victim.txt": "tree to damage \(UUID().uuidString)\n"])
        try repository.commit("late", files: ["late.txt": "nothing here\n"])
        let tree = try repository.run("rev-parse", "HEAD~1^{tree}")
        let object = repository.url.appendingPathComponent(".git/objects/\(tree.prefix(2))/\(tree.dropFirst(2))")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: object.path)
        try Data("not zlib at all".utf8).write(to: object)
        let report = try ScanHarness.scanner().scan(.git(repository: repository.path))
        #expect(report.findings.filter { $0.ruleID == "github-pat" }.map(\.path) == ["early.txt"])
        #expect(report.errors.contains { $0.contains("git log failed") })
        #expect(report.errors.contains { $0.contains("cannot fully read commit") })
        #expect(ExitStatus.code(for: report) == ExitStatus.scanError)
    }

    @Test(arguments: [false, true])
    func symlinkLoopsEndAndAreReported(follow: Bool) throws {
        let root = try ScanHarness.temporaryDirectory()
        try ScanHarness.write("token \(Samples.githubToken(seed: 17))\n", to: root.appendingPathComponent("dir/real.txt"))
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("dir/back").path, withDestinationPath: "..")
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("self").path, withDestinationPath: "self")
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("a").path, withDestinationPath: "b")
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("b").path, withDestinationPath: "a")
        let report = try ScanHarness.scanner { $0.followSymlinks = follow }.scan(.directory([root.path]))
        #expect(report.findings.map(\.path) == ["dir/real.txt"])
        #expect(report.errors.isEmpty)
        if follow {
            #expect(report.warnings.contains { $0.contains("self") })
            #expect(report.warnings.contains { $0.contains("dir/back") })
        }
    }

    @Test func aMalformedEnvVarListingIsAnErrorNotACrash() throws {
        let root = try ScanHarness.temporaryDirectory()
        let file = root.appendingPathComponent("envvars.json")
        for text in ["{\"items\": [", "[1, \"x\", {\"items\": [7, {\"value\": \"xxxx\"}]}]", "\u{0}\u{1}binary"] {
            try ScanHarness.write(text, to: file)
            let report = try ScanHarness.scanner().scan(.circleCIEnvVars([file.path]))
            #expect(!report.errors.isEmpty)
            #expect(report.findings.isEmpty)
        }
    }
}
