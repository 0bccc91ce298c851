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
        var cache: [String: (added: [Occurrence], removed: [Occurrence])] = [:]
        let allowlist = scanner.allowlist
        var bytes = 0
        let status = git.stream(logArguments()) { line in
            bytes += line.count + 1
            guard let patch = parser.feed(line) else { return }
            handle(patch, cache: &cache, allowlist: allowlist, into: &aggregator)
        }
        if let last = parser.finish() { handle(last, cache: &cache, allowlist: allowlist, into: &aggregator) }
        if status != 0 { report.errors.append("git log failed in \(repository) (status \(status))") }
        report.bytesScanned += bytes
        report.commitsScanned += parser.commitCount
        let head = HeadContent(git: git, ref: scanner.options.defaultBranch ?? "HEAD")
        report.findings = aggregator.findings { value, path in head.contains(value, at: path) }
    }

    func logArguments() -> [String] {
        var arguments = [
            "log", "-p", "-U0", "--full-history", "--no-ext-diff", "--no-textconv", "--no-color",
            "--format=%x01%H%x1f%an%x1f%ae%x1f%aI%x1f%at",
        ]
        arguments.append(scanner.options.allParents ? "--diff-merges=separate" : "--diff-merges=first-parent")
        if let since = scanner.options.sinceRevision {
            arguments += [since.contains("..") ? since : since + "..HEAD"]
        } else {
            arguments.append("--all")
        }
        return arguments
    }

    private func handle(
        _ patch: FilePatch, cache: inout [String: (added: [Occurrence], removed: [Occurrence])],
        allowlist: Allowlist, into aggregator: inout FindingAggregator
    ) {
        guard !allowlist.allowsPath(patch.path) else { return }
        let cacheKey = patch.blobPair.map { $0 + "\u{0}" + patch.path }
        let found: (added: [Occurrence], removed: [Occurrence])
        if let cacheKey, let cached = cache[cacheKey] {
            found = cached
        } else {
            found = (
                scanLines(patch.added, numbers: patch.addedLines, patch: patch, change: .added),
                scanLines(patch.removed, numbers: patch.removedLines, patch: patch, change: .removed)
            )
            if let cacheKey, cache.count < scanner.options.maxCacheEntries { cache[cacheKey] = found }
        }
        for occurrence in found.added + found.removed {
            var attributed = occurrence
            attributed.location.commit = patch.commit.sha
            attributed.location.author = patch.commit.author
            attributed.location.email = patch.commit.email
            attributed.location.date = patch.commit.date
            aggregator.add(attributed, timestamp: patch.commit.timestamp)
        }
    }

    private func scanLines(
        _ bytes: [UInt8], numbers: [Int], patch: FilePatch,
        change: FindingLocation.Change
    ) -> [Occurrence] {
        guard !numbers.isEmpty else { return [] }
        let path = change == .removed ? (patch.oldPath ?? patch.path) : patch.path
        let fragment = Fragment(bytes: bytes, path: path, traits: .forFile(path: path), lineNumbers: numbers, change: change)
        return scanner.fragmentScanner.occurrences(in: fragment)
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
