import Foundation
import Testing

@testable import CofferRadar

/// The git modes beside the history walk (spec §2.2): `--staged` for a pre-commit hook and
/// `--unreachable` for what a force-push or a deleted branch left behind; and
/// `--respect-gitignore` for directory scans (§2.1). Repositories are built by the test.
@Suite struct GitModesTests {
    func scan(_ repository: GitRepository, _ configure: (inout RadarScanOptions) -> Void = { _ in }) throws -> ScanReport {
        try ScanHarness.scanner(configure).scan(.git(repository: repository.path))
    }

    @Test func stagedReportsWhatTheIndexAddsAndNothingElse() throws {
        let repository = try GitRepository()
        let committed = Samples.githubToken(seed: 40)
        let staged = Samples.githubToken(seed: 41)
        let unstaged = Samples.githubToken(seed: 42)
        try repository.commit("old", files: ["old.env": "GH=\(committed)\n", "app.sh": "echo one\n"])
        // Staged: a new secret on line 2 of an edited file, and the committed one deleted.
        try repository.write("echo one\ncurl -H \"x: \(staged)\"\n", to: "app.sh")
        try repository.run("add", "app.sh")
        try repository.run("rm", "-q", "old.env")
        // In the work tree only: not part of the commit being made.
        try repository.write("echo one\ncurl -H \"x: \(staged)\"\nGH=\(unstaged)\n", to: "app.sh")
        let report = try scan(repository) { $0.gitStaged = true }
        let findings = report.findings.filter { $0.ruleID == "github-pat" }
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.path == "app.sh")
        #expect(finding.locations.map(\.startLine) == [2])
        #expect(finding.locations.map(\.change) == [.added])
        #expect(finding.locations.allSatisfy { $0.commit == nil })
        #expect(finding.inHead)
        #expect(report.errors.isEmpty)
    }

    @Test func stagedWorksBeforeTheFirstCommit() throws {
        let repository = try GitRepository()
        try repository.write("token \(Samples.githubToken(seed: 43))\n", to: "first.txt")
        try repository.run("add", "first.txt")
        let report = try scan(repository) { $0.gitStaged = true }
        #expect(report.findings.map(\.path) == ["first.txt"])
        #expect(report.errors.isEmpty)
    }

    @Test func unreachableFindsADeletedBranchAndADanglingBlobOnlyWhenAsked() throws {
        let repository = try GitRepository()
        try repository.commit("base", files: ["a.txt": "base\n"])
        try repository.run("checkout", "-q", "-b", "pushed-by-mistake")
        let lost = try repository.commit("oops", files: ["deploy.sh": "export GH=\(Samples.githubToken(seed: 44))\n"])
        try repository.run("checkout", "-q", "main")
        try repository.run("branch", "-q", "-D", "pushed-by-mistake")
        // Added to the index, then taken out again: the blob stays in the object store.
        try repository.write("GH=\(Samples.githubToken(seed: 45))\n", to: "unstaged.env")
        try repository.run("add", "unstaged.env")
        try repository.run("rm", "-q", "--cached", "unstaged.env")

        #expect(try scan(repository).findings.isEmpty)
        let report = try scan(repository) { $0.gitUnreachable = true }
        let findings = report.findings.filter { $0.ruleID == "github-pat" }
        let fromCommit = try #require(findings.first { $0.path == "deploy.sh" })
        #expect(fromCommit.firstCommit == lost)
        #expect(!fromCommit.inHead)
        let fromBlob = try #require(findings.first { $0.path.hasPrefix("(dangling blob ") })
        #expect(fromBlob.locations.map(\.change) == [.present])
        #expect(!fromBlob.inHead)
        #expect(findings.count == 2)
        #expect(report.errors.isEmpty)
    }

    @Test func respectGitignoreSkipsIgnoredFilesOnlyWhenAsked() throws {
        let repository = try GitRepository()
        try repository.write("*.env\nbuild/\n", to: ".gitignore")
        try repository.write("GH=\(Samples.githubToken(seed: 46))\n", to: "tracked.env")
        try repository.run("add", ".gitignore")
        try repository.run("add", "-f", "tracked.env")  // tracked although a pattern matches it
        try repository.commit("ignore rules")
        try repository.write("GH=\(Samples.githubToken(seed: 47))\n", to: "local.env")
        try repository.write("GH=\(Samples.githubToken(seed: 48))\n", to: "build/out.txt")
        try repository.write("GH=\(Samples.githubToken(seed: 49))\n", to: "src/kept.txt")
        func paths(_ respect: Bool) throws -> Set<String> {
            let report = try ScanHarness.scanner { $0.respectGitignore = respect }.scan(.directory([repository.path]))
            #expect(report.errors.isEmpty)
            return Set(report.findings.filter { $0.ruleID == "github-pat" }.map(\.path))
        }
        #expect(try paths(false) == ["tracked.env", "local.env", "build/out.txt", "src/kept.txt"])
        // A tracked file stays scanned even though a pattern matches it, as git tracks it.
        #expect(try paths(true) == ["tracked.env", "src/kept.txt"])
    }

    @Test func respectGitignoreOutsideAWorkTreeWarnsAndScansEverything() throws {
        let root = try ScanHarness.temporaryDirectory()
        try ScanHarness.write("*.env\n", to: root.appendingPathComponent(".gitignore"))
        try ScanHarness.write("GH=\(Samples.githubToken(seed: 50))\n", to: root.appendingPathComponent("local.env"))
        let report = try ScanHarness.scanner { $0.respectGitignore = true }.scan(.directory([root.path]))
        #expect(report.findings.map(\.path) == ["local.env"])
        #expect(report.warnings.contains { $0.contains("not in a git work tree") })
    }
}
