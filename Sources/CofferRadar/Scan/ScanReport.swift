import Foundation

/// The result of one scan: findings plus the facts the summary and exit code need.
public struct ScanReport: Sendable {
    public var source: String
    public var target: String
    public var startedAt: Date
    public var finishedAt: Date
    public var findings: [Finding]
    /// Baseline entries no longer seen (spec §8, "resolved").
    public var resolvedBaselineEntries: [BaselineEntry] = []
    public var bytesScanned = 0
    public var filesScanned = 0
    public var commitsScanned = 0
    /// Occurrences dropped by allowlists (never findings).
    public var allowlisted = 0
    public var skippedFiles = 0
    /// Sources that could not be fully read; non-empty means exit code 3.
    public var errors: [String] = []
    /// Things skipped that do not fail the scan (symlink loops, dangling links); listed, exit code unchanged.
    public var warnings: [String] = []
    public var keyID: String

    /// Findings that count: not suppressed, not baselined.
    public var activeFindings: [Finding] { findings.filter(\.isActive) }

    public var elapsedSeconds: Double { max(finishedAt.timeIntervalSince(startedAt), 0) }
}
