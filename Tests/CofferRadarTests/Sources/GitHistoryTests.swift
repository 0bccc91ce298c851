import Foundation
import Testing

@testable import CofferRadar

/// Git history (spec §2.2): secrets attributed to the commit that added them and the one that
/// removed them, `in_head`, merge commits, on repositories the test builds.
@Suite struct GitHistoryTests {
    func scan(_ repository: GitRepository) throws -> ScanReport {
        try ScanHarness.scanner().scan(.git(repository: repository.path))
    }

    @Test func addedThenRemovedIsHistoryOnlyWithBothCommits() throws {
        let repository = try GitRepository()
        let token = Samples.githubToken(seed: 1)
        let added = try repository.commit("add", files: ["app/config.env": "TOKEN=\(token)\n"])
        let removed = try repository.commit("remove", files: ["app/config.env": "TOKEN=$TOKEN\n"])
        let report = try scan(repository)
        let finding = try #require(report.findings.first { $0.ruleID == "github-pat" })
        #expect(finding.firstCommit == added)
        #expect(finding.removedInCommit == removed)
        #expect(!finding.inHead)
        #expect(finding.tags.contains("history-only"))
        #expect(Set(finding.locations.map(\.change)) == [.added, .removed])
        #expect(finding.locations.allSatisfy { $0.startLine == 1 && $0.path == "app/config.env" })
        #expect(report.errors.isEmpty)
    }

    @Test func aSecretStillAtTheTipIsInHead() throws {
        let repository = try GitRepository()
        let token = Samples.githubToken(seed: 2)
        let added = try repository.commit("add", files: ["deploy.sh": "echo start\ncurl -H \"x: \(token)\"\n"])
        try repository.commit("other", files: ["README": "hello\n"])
        let finding = try #require(try scan(repository).findings.first { $0.ruleID == "github-pat" })
        #expect(finding.inHead)
        #expect(finding.firstCommit == added)
        #expect(finding.removedInCommit == nil)
        #expect(finding.locations.first?.startLine == 2)
    }

    @Test func aSecretAddedInAMergeCommitIsAttributedToTheMerge() throws {
        let repository = try GitRepository()
        try repository.commit("base", files: ["a.txt": "base\n"])
        try repository.run("checkout", "-q", "-b", "feature")
        try repository.commit("feature", files: ["b.txt": "feature\n"])
        try repository.run("checkout", "-q", "main")
        try repository.commit("main side", files: ["c.txt": "main\n"])
        try repository.run("merge", "-q", "--no-ff", "--no-commit", "feature")
        let token = Samples.githubToken(seed: 3)
        try repository.write("token: \(token)\n", to: "merged.yml")
        try repository.run("add", "merged.yml")
        try repository.run("commit", "-q", "-m", "merge with a resolution that adds a secret")
        let merge = try repository.run("rev-parse", "HEAD")
        let finding = try #require(try scan(repository).findings.first { $0.ruleID == "github-pat" })
        #expect(finding.firstCommit == merge)
        #expect(finding.inHead)
    }

    @Test func everyBranchIsScanned() throws {
        let repository = try GitRepository()
        try repository.commit("base", files: ["a.txt": "base\n"])
        try repository.run("checkout", "-q", "-b", "side")
        let side = try repository.commit("side", files: ["s.txt": "key \(Samples.githubToken(seed: 4))\n"])
        try repository.run("checkout", "-q", "main")
        let finding = try #require(try scan(repository).findings.first { $0.ruleID == "github-pat" })
        #expect(finding.firstCommit == side)
        #expect(!finding.inHead)  // not on the default branch's tip
    }

    @Test func sinceScansOnlyTheNewCommitsAndCatchesARemovalOfAnOlderSecret() throws {
        let repository = try GitRepository()
        let old = Samples.githubToken(seed: 5)
        try repository.commit("base", files: ["ci.sh": "export GH=\(old)\n"])
        let base = try repository.run("rev-parse", "HEAD")
        let fresh = Samples.githubToken(seed: 6)
        let added = try repository.commit("pr: add", files: ["new.sh": "export GH=\(fresh)\n"])
        let removed = try repository.commit("pr: clean up", files: ["ci.sh": "export GH=$GH\n"])
        let report = try ScanHarness.scanner { $0.sinceRevision = base }.scan(.git(repository: repository.path))
        #expect(report.commitsScanned == 2)
        let findings = report.findings.filter { $0.ruleID == "github-pat" }
        let introduced = try #require(findings.first { $0.path == "new.sh" })
        #expect(introduced.firstCommit == added && introduced.inHead)
        // Introduced before the range: known only from the commit that removed it.
        let gone = try #require(findings.first { $0.path == "ci.sh" })
        #expect(gone.firstCommit == nil && gone.removedInCommit == removed && !gone.inHead)
        #expect(findings.count == 2)
    }

    @Test func aSecretEditedOnItsLineIsNotAddedAgain() throws {
        let repository = try GitRepository()
        let token = Samples.githubToken(seed: 7)
        let added = try repository.commit("add", files: ["app.env": "GH=\(token)\n"])
        try repository.commit("edit the line", files: ["app.env": "# moved\nexport GH=\(token) # ci\n"])
        let finding = try #require(try scan(repository).findings.first { $0.ruleID == "github-pat" })
        #expect(finding.locations.map(\.commit) == [added])
        #expect(finding.inHead)
    }

    @Test func theDefaultBranchDecidesInHead() throws {
        let repository = try GitRepository()
        try repository.commit("base", files: ["a.txt": "base\n"])
        try repository.run("checkout", "-q", "-b", "release")
        try repository.commit("release", files: ["r.sh": "key \(Samples.githubToken(seed: 8))\n"])
        try repository.run("checkout", "-q", "main")
        let onMain = try #require(try scan(repository).findings.first { $0.ruleID == "github-pat" })
        #expect(!onMain.inHead)
        let report = try ScanHarness.scanner { $0.defaultBranch = "release" }.scan(.git(repository: repository.path))
        #expect(report.findings.first { $0.ruleID == "github-pat" }?.inHead == true)
    }
}
