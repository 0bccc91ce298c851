import Foundation

/// The `text` format: one block per active finding, then a summary (spec §13).
public struct TextReportRenderer: Sendable {
    public init() {}

    public func render(_ report: ScanReport) -> String {
        var lines: [String] = []
        for finding in report.activeFindings {
            lines += block(for: finding)
            lines.append("")
        }
        lines.append(summaryLine(ReportSummary(report)))
        for error in report.errors { lines.append("error: \(error)") }
        for warning in report.warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func block(for finding: Finding) -> [String] {
        var lines = ["\(finding.severity.name.uppercased())  \(finding.ruleID)  \(finding.description)"]
        for location in finding.locations.prefix(5) {
            var line = "  \(location.path):\(location.startLine):\(location.startColumn)"
            if let commit = location.commit {
                line += "  \(location.change.rawValue) in \(commit.prefix(12))"
                if let author = location.author { line += " by \(author)" }
                if let date = location.date { line += " on \(date)" }
            }
            if let yamlPath = location.yamlPath { line += "  [\(yamlPath)]" }
            lines.append(line)
        }
        if finding.locations.count > 5 { lines.append("  … and \(finding.locations.count - 5) more locations") }
        if let snippet = finding.locations.first?.snippet, !snippet.isEmpty { lines.append("  > \(snippet)") }
        var facts = ["value \(finding.redacted)", finding.inHead ? "in HEAD" : "history only"]
        if !finding.tags.isEmpty { facts.append("tags: " + finding.tags.joined(separator: ", ")) }
        lines.append("  " + facts.joined(separator: " · "))
        if let migration = finding.migration {
            var hint = "  move to Coffer: \(migration.cofferPath) (\(migration.name)"
            if let job = migration.job { hint += ", job \(job)" }
            if !migration.contexts.isEmpty { hint += ", contexts " + migration.contexts.joined(separator: ", ") }
            lines.append(hint + ")")
        }
        if let coffer = finding.coffer {
            lines.append("  in Coffer: \(coffer.mount)\(coffer.path) field \(coffer.field), version \(coffer.version) (\(coffer.state))")
        }
        lines.append("  fix: \(finding.remediation)")
        return lines
    }

    private func summaryLine(_ summary: ReportSummary) -> String {
        let counts = Severity.allCases.reversed().map { "\($0.name) \(summary.bySeverity[$0.name] ?? 0)" }
        let size = String(format: "%.2f MB", Double(summary.bytes) / 1_048_576)
        let speed = String(format: "%.1f MB/s", summary.megabytesPerSecond)
        return "Summary: " + counts.joined(separator: ", ")
            + " · suppressed \(summary.suppressed) · baselined \(summary.baselined) · allowlisted \(summary.allowlisted)"
            + " · files \(summary.files) · commits \(summary.commits) · \(size) in \(summary.elapsedSeconds) s (\(speed))"
    }
}
