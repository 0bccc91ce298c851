import Foundation

/// Directory, single-file and stdin scanning.
extension RadarScanner {
    /// Walks `root`; with `circleCIOnly`, only YAML files are read and parsed as CircleCI config.
    func scanTree(_ root: String, circleCIOnly: Bool, into aggregator: inout FindingAggregator, report: inout ScanReport) {
        var walker = DirectoryWalker(root: root)
        walker.followSymlinks = options.followSymlinks
        walker.maxFileSize = options.maxFileSize
        walker.allowlist = allowlist
        let outcome = walker.walk { entry in
            let isYAML = entry.relativePath.hasSuffix(".yml") || entry.relativePath.hasSuffix(".yaml")
            if circleCIOnly && !isYAML { return }
            guard let file = FileSniffer.read(entry.absolutePath, limit: options.maxFileSize) else {
                report.errors.append("cannot read \(entry.relativePath)")
                return
            }
            if file.isBinary {
                report.skippedFiles += 1
                return
            }
            if circleCIOnly {
                scanCircleCI(bytes: file.bytes, path: entry.relativePath, into: &aggregator, report: &report)
                report.filesScanned += 1
                report.bytesScanned += file.bytes.count
            } else {
                scanFile(bytes: file.bytes, path: entry.relativePath, into: &aggregator, report: &report)
            }
        }
        report.skippedFiles += outcome.skips.tooLarge + outcome.skips.allowlisted + outcome.skips.special
        report.errors += outcome.errors
    }

    /// Scans one file's bytes as text, and as CircleCI config when it lives under `.circleci/`.
    func scanFile(bytes: [UInt8], path: String, into aggregator: inout FindingAggregator, report: inout ScanReport) {
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
