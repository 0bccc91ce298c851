import Foundation

/// `scan circleci-envvars`: CircleCI env-var listings (spec §2.4).
extension RadarScanner {
    /// Reads one listing; what cannot be read is an error (exit 3), the rest is still reported.
    func scanEnvVarListing(_ path: String, report: inout ScanReport) {
        guard let file = FileSniffer.read(path, limit: options.maxFileSize) else {
            report.errors.append("cannot read \(path)")
            return
        }
        report.filesScanned += 1
        report.bytesScanned += file.bytes.count
        var parser = EnvVarListingParser()
        parser.defaultProject = options.project
        let (records, problems) = parser.parse(file.bytes)
        report.errors += problems.map { "\(path): \($0)" }
        var listing = EnvVarListingScanner(hashKey: options.hashKey, now: options.now)
        listing.maxAgeDays = options.envVarMaxAgeDays
        listing.mapping = options.envVarMapping
        listing.pathTemplate = options.pathTemplate
        listing.hashLastFour = options.correlationHasher != nil
        report.findings += listing.findings(records, path: path, bytes: file.bytes)
    }
}
