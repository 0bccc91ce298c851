import Foundation

/// Directory, single-file and stdin scanning.
extension RadarScanner {
    /// What scanning one file gave, merged into the report in walk order.
    struct FileOutcome: Sendable {
        var occurrences: [Occurrence] = []
        var errors: [String] = []
        var bytes = 0
        var scanned = false
        var binary = false
    }

    /// Walks `root`; with `circleCIOnly`, only YAML files are read and parsed as CircleCI config.
    ///
    /// Files are read and scanned on `options.jobs` cores in batches, then merged in walk
    /// order, so the report does not depend on scheduling; at most one file per core is in
    /// memory at once.
    func scanTree(_ root: String, circleCIOnly: Bool, into aggregator: inout FindingAggregator, report: inout ScanReport) {
        var walker = DirectoryWalker(root: root)
        walker.followSymlinks = options.followSymlinks
        walker.maxFileSize = options.maxFileSize
        walker.allowlist = allowlist
        if options.respectGitignore {
            walker.ignored = GitIgnoredPaths.load(root: root)
            if walker.ignored == nil { report.warnings.append("--respect-gitignore: \(root) is not in a git work tree; nothing ignored") }
        }
        var entries: [DirectoryWalker.Entry] = []
        let walked = walker.walk { entry in
            let isYAML = entry.relativePath.hasSuffix(".yml") || entry.relativePath.hasSuffix(".yaml")
            if circleCIOnly && !isYAML { return }
            entries.append(entry)
        }
        let jobs = max(1, options.jobs)
        var start = 0
        while start < entries.count {
            let batch = Array(entries[start..<min(entries.count, start + 64 * jobs)])
            start += batch.count
            let outcomes = ParallelMap.map(batch, jobs: jobs) { scanEntry($0, circleCIOnly: circleCIOnly) }
            for outcome in outcomes {
                report.errors += outcome.errors
                if outcome.binary { report.skippedFiles += 1 }
                if outcome.scanned {
                    report.filesScanned += 1
                    report.bytesScanned += outcome.bytes
                }
                for occurrence in outcome.occurrences { aggregator.add(occurrence) }
            }
            options.progress?(report.filesScanned, report.bytesScanned)
        }
        report.skippedFiles += walked.skips.tooLarge + walked.skips.allowlisted + walked.skips.special + walked.skips.gitignored
        report.errors += walked.errors
        report.warnings += walked.warnings
    }

    /// Reads and scans one file: as CircleCI config first (its YAML paths win), then as text.
    func scanEntry(_ entry: DirectoryWalker.Entry, circleCIOnly: Bool) -> FileOutcome {
        guard let file = FileSniffer.read(entry.absolutePath, limit: options.maxFileSize) else {
            return FileOutcome(errors: ["cannot read \(entry.relativePath)"])
        }
        if file.isBinary { return FileOutcome(binary: true) }
        var outcome = FileOutcome(bytes: file.bytes.count, scanned: true)
        if circleCIOnly || Self.isCircleCIConfig(entry.relativePath) {
            let parsed = circleCIScanner().occurrences(bytes: file.bytes, path: entry.relativePath)
            outcome.occurrences += parsed.occurrences
            if let error = parsed.error { outcome.errors.append(error) }
        }
        if !circleCIOnly {
            let fragment = Fragment(bytes: file.bytes, path: entry.relativePath, traits: .forFile(path: entry.relativePath))
            outcome.occurrences += fragmentScanner.occurrences(in: fragment)
        }
        return outcome
    }

    /// Scans one file's bytes as text, and as CircleCI config when it lives under `.circleci/`.
    func scanFile(bytes: [UInt8], path: String, into aggregator: inout FindingAggregator, report: inout ScanReport) {
        // The path allowlist covers stdin under its `--name` as it covers files.
        if allowlist.allowsPath(path) {
            report.skippedFiles += 1
            return
        }
        report.filesScanned += 1
        report.bytesScanned += bytes.count
        if Self.isCircleCIConfig(path) {
            scanCircleCI(bytes: bytes, path: path, into: &aggregator, report: &report)
        }
        let fragment = Fragment(bytes: bytes, path: path, traits: .forFile(path: path))
        for occurrence in fragmentScanner.occurrences(in: fragment) { aggregator.add(occurrence) }
    }

    func scanCircleCI(bytes: [UInt8], path: String, into aggregator: inout FindingAggregator, report: inout ScanReport) {
        let outcome = circleCIScanner().occurrences(bytes: bytes, path: path)
        if let error = outcome.error { report.errors.append(error) }
        for occurrence in outcome.occurrences { aggregator.add(occurrence) }
    }
}
