import Foundation

/// Scans every commit reachable from any ref (spec §2.2) by an object walk.
///
/// `git log --raw` lists, per commit, the blobs each file had before and after (tree diffs
/// only: content diffs cost git more CPU than the whole scan); `git cat-file --batch` reads
/// each distinct blob once. A secret in the new blob and not the old is added by the commit,
/// one in the old and not the new is removed by it. Merges are compared with their first
/// parent (or every parent).
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
        if scanner.options.gitStaged {
            scanStaged(git, into: &aggregator, report: &report)
            return
        }
        let dangling = scanner.options.gitUnreachable ? danglingObjects(git, report: &report) : DanglingObjects()
        let roots = dangling.commits
        var parser = RawChangeParser()
        var batch = BlobChangeBatch(
            scanner: scanner, reader: BlobReader(git: git, maxSize: scanner.options.maxFileSize, usePacks: scanner.options.gitReadsPacks))
        var reported = 0
        let progress = scanner.options.progress
        let status = git.stream(changeArguments() + revisionRange(extraRoots: roots)) { line in
            guard let change = parser.feed(line) else { return }
            batch.add(change, into: &aggregator)
            if let progress, batch.bytesScanned - reported >= 1 << 20 {
                reported = batch.bytesScanned
                progress(parser.commitCount, batch.bytesScanned)
            }
        }
        report.commitsScanned += parser.commitCount
        if status != 0 {
            // A corrupt commit or tree stops `git log` at the commit that needs it; the commits
            // it never reached are read one by one, so one bad object costs one commit.
            report.errors.append("git log failed in \(repository) (status \(status)); the commits it did not reach were read one by one")
            let recovered = recoverUnread(git, seen: parser.seenCommits, roots: roots, batch: &batch, into: &aggregator)
            report.commitsScanned += recovered.commits
            report.errors += recovered.errors
        }
        for change in danglingBlobChanges(git, dangling) { batch.add(change, into: &aggregator) }
        batch.flush(into: &aggregator)
        report.errors += batch.errors
        report.bytesScanned += batch.bytesScanned
        report.filesScanned += batch.blobsScanned
        let head = HeadContent(git: git, ref: scanner.options.defaultBranch ?? "HEAD")
        report.findings = aggregator.findings { value, path in head.contains(value, at: path) }
    }

    /// `git log` listing the blobs of each changed file, in the parser's format; no revisions.
    func changeArguments() -> [String] {
        [
            "log", "--raw", "--no-abbrev", "--no-renames", "--full-history", "--no-ext-diff", "--no-textconv",
            "--no-color", "--format=%x01%H%x1f%an%x1f%ae%x1f%aI%x1f%at",
            scanner.options.allParents ? "--diff-merges=separate" : "--diff-merges=first-parent",
        ]
    }

    /// Every ref, or the `--since` range; `extraRoots` adds dangling commits (`--unreachable`).
    private func revisionRange(extraRoots: [String] = []) -> [String] {
        guard let since = scanner.options.sinceRevision else { return ["--all"] + extraRoots }
        return [since.contains("..") ? since : since + "..HEAD"] + extraRoots
    }

    /// Reads, one `git log -1` each, the commits of the range that the failed walk never
    /// reached; a commit that still cannot be read is an error of its own.
    private func recoverUnread(
        _ git: GitProcess, seen: Set<String>, roots: [String], batch: inout BlobChangeBatch,
        into aggregator: inout FindingAggregator
    ) -> (commits: Int, errors: [String]) {
        var commits: [String] = []
        // rev-list needs only commit objects; whatever it lists before failing is used.
        git.stream(["rev-list"] + revisionRange(extraRoots: roots)) { line in
            let sha = String(decoding: line, as: UTF8.self)
            if !seen.contains(sha) { commits.append(sha) }
        }
        var errors: [String] = []
        var read = 0
        for sha in commits {
            var parser = RawChangeParser()
            let status = git.stream(changeArguments() + ["-1", sha]) { line in
                guard let change = parser.feed(line) else { return }
                batch.add(change, into: &aggregator)
            }
            read += parser.commitCount
            if status != 0 { errors.append("cannot fully read commit \(sha.prefix(12)) (git status \(status))") }
        }
        return (read, errors)
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
