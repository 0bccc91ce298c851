/// Counts shown at the end of every format (spec §13, summary).
public struct ReportSummary: Sendable, Codable {
    public var bySeverity: [String: Int]
    public var total: Int
    public var active: Int
    public var suppressed: Int
    public var baselined: Int
    public var resolvedBaseline: Int
    public var allowlisted: Int
    public var files: Int
    public var commits: Int
    public var bytes: Int
    public var skippedFiles: Int
    public var elapsedSeconds: Double
    public var megabytesPerSecond: Double
    public var errors: [String]
    public var warnings: [String]

    init(_ report: ScanReport) {
        var counts: [String: Int] = [:]
        for severity in Severity.allCases { counts[severity.name] = 0 }
        for finding in report.activeFindings { counts[finding.severity.name, default: 0] += 1 }
        bySeverity = counts
        total = report.findings.count
        active = report.activeFindings.count
        suppressed = report.findings.filter(\.suppressed).count
        baselined = report.findings.filter { $0.baselineStatus != nil }.count
        resolvedBaseline = report.resolvedBaselineEntries.count
        allowlisted = report.allowlisted
        files = report.filesScanned
        commits = report.commitsScanned
        bytes = report.bytesScanned
        skippedFiles = report.skippedFiles
        elapsedSeconds = (report.elapsedSeconds * 1000).rounded() / 1000
        let rate = report.elapsedSeconds > 0 ? Double(report.bytesScanned) / 1_048_576 / report.elapsedSeconds : 0
        megabytesPerSecond = (rate * 100).rounded() / 100
        errors = report.errors
        warnings = report.warnings
    }

    enum CodingKeys: String, CodingKey {
        case total, active, suppressed, baselined, allowlisted, files, commits, bytes, errors, warnings
        case bySeverity = "by_severity", resolvedBaseline = "resolved_baseline", skippedFiles = "skipped_files"
        case elapsedSeconds = "elapsed_seconds", megabytesPerSecond = "mb_per_second"
    }
}
