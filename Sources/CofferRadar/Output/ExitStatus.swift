/// Exit codes for CI (spec §14) as a function of the report and `--fail-severity`.
public enum ExitStatus {
    public static let clean: Int32 = 0
    public static let findings: Int32 = 1
    public static let usage: Int32 = 2
    public static let scanError: Int32 = 3

    /// 3 when a source could not be fully read; else `findingsCode` (default 1) when an active
    /// finding is at or above `failSeverity`; else 0.
    public static func code(
        for report: ScanReport, failSeverity: Severity = .medium,
        findingsCode: Int32 = findings
    ) -> Int32 {
        if !report.errors.isEmpty { return scanError }
        let failing = report.findings.contains { $0.isActive && $0.severity >= failSeverity }
        return failing ? findingsCode : clean
    }

    /// The code for an error thrown while setting a scan up or applying a baseline.
    public static func code(for error: RadarError) -> Int32 {
        error.code == .configuration ? usage : scanError
    }
}
