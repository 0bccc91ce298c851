import Foundation

/// Scans every commit reachable from any ref through `git log -p -U0` (spec §2.2).
///
/// Added lines attribute a secret to the commit that introduced it, removed lines to the
/// one that deleted it; merges are diffed against their first parent (or every parent).
/// Identical blob pairs are scanned once and re-attributed from a cache.
struct GitHistoryScanner {
    let scanner: RadarScanner
    let repository: String

    /// Streams the history into `aggregator`, then resolves `in_head` and writes findings into `report`.
    func scan(into aggregator: inout FindingAggregator, report: inout ScanReport) {
        let git = GitProcess(repository: repository)
        guard git.capture(["rev-parse", "--git-dir"]) != nil else {
            report.errors.append("not a git repository: \(repository)")
            return
        }
        var parser = GitPatchParser()
        var batch = PatchBatch(scanner: scanner)
        var bytes = 0
        var reported = 0
        let progress = scanner.options.progress
        let status = git.stream(logArguments()) { line in
            bytes += line.count + 1
            if let progress, bytes - reported >= 1 << 20 {
                reported = bytes
                progress(parser.commitCount, bytes)
            }
            guard let patch = parser.feed(line) else { return }
            batch.add(patch, into: &aggregator)
        }
        if let last = parser.finish() { batch.add(last, into: &aggregator) }
        report.commitsScanned += parser.commitCount
        if status != 0 {
            // A corrupt object stops `git log` at the commit that needs it; the commits it
            // never reached are read one by one, so one bad object costs one commit.
            report.errors.append("git log failed in \(repository) (status \(status)); the commits it did not reach were read one by one")
            let recovered = recoverUnread(git, seen: parser.seenCommits, batch: &batch, into: &aggregator)
            bytes += recovered.bytes
            report.commitsScanned += recovered.commits
            report.errors += recovered.errors
        }
        batch.flush(into: &aggregator)
        report.bytesScanned += bytes
        let head = HeadContent(git: git, ref: scanner.options.defaultBranch ?? "HEAD")
        report.findings = aggregator.findings { value, path in head.contains(value, at: path) }
    }

    func logArguments() -> [String] {
        patchArguments() + revisionRange()
    }

    /// `git log` with one patch per file per commit, in the parser's format; no revisions.
    private func patchArguments() -> [String] {
        [
            "log", "-p", "-U0", "--full-history", "--no-ext-diff", "--no-textconv", "--no-color",
            "--format=%x01%H%x1f%an%x1f%ae%x1f%aI%x1f%at",
            scanner.options.allParents ? "--diff-merges=separate" : "--diff-merges=first-parent",
        ]
    }

    private func revisionRange() -> [String] {
        guard let since = scanner.options.sinceRevision else { return ["--all"] }
        return [since.contains("..") ? since : since + "..HEAD"]
    }

    /// Reads, one `git log -1` each, the commits of the range that the failed walk never
    /// reached; a commit that still cannot be read is an error of its own.
    private func recoverUnread(
        _ git: GitProcess, seen: Set<String>, batch: inout PatchBatch, into aggregator: inout FindingAggregator
    ) -> (commits: Int, bytes: Int, errors: [String]) {
        var commits: [String] = []
        // rev-list needs only commit objects; whatever it lists before failing is used.
        git.stream(["rev-list"] + revisionRange()) { line in
            let sha = String(decoding: line, as: UTF8.self)
            if !seen.contains(sha) { commits.append(sha) }
        }
        var errors: [String] = []
        var bytes = 0
        var read = 0
        for sha in commits {
            var parser = GitPatchParser()
            let status = git.stream(patchArguments() + ["-1", sha]) { line in
                bytes += line.count + 1
                guard let patch = parser.feed(line) else { return }
                batch.add(patch, into: &aggregator)
            }
            if let last = parser.finish() { batch.add(last, into: &aggregator) }
            read += parser.commitCount
            if status != 0 { errors.append("cannot fully read commit \(sha.prefix(12)) (git status \(status))") }
        }
        return (read, bytes, errors)
    }
}

/// File contents at the default branch tip, fetched once per path, for `in_head`.
final class HeadContent {
    private let git: GitProcess
    private let ref: String
    private var files: [String: [UInt8]?] = [:]

    init(git: GitProcess, ref: String) {
        self.git = git
        self.ref = ref
    }

    /// True when the file at `path` on the tip contains `value`.
    func contains(_ value: [UInt8], at path: String) -> Bool {
        if files[path] == nil { files[path] = git.capture(["show", "\(ref):\(path)"]).map { Array($0) } }
        guard let content = files[path] ?? nil else { return false }
        return FragmentScanner.firstIndex(of: value, in: content) != nil
    }
}
