import Foundation

/// The `json` and `jsonl` formats (spec §13), schema `coffer-radar/v1`.
public struct JSONReportRenderer: Sendable {
    public static let schema = "coffer-radar/v1"
    public static let toolVersion = "0.1.0"

    struct Tool: Codable {
        let name: String
        let version: String
        let rulesVersion: String
        enum CodingKeys: String, CodingKey {
            case name, version
            case rulesVersion = "rules_version"
        }
    }

    struct ScanInfo: Codable {
        let source: String
        let target: String
        let startedAt: String
        let finishedAt: String
        let bytes: Int
        let files: Int
        let commits: Int
        let keyID: String
        enum CodingKeys: String, CodingKey {
            case source, target, bytes, files, commits
            case startedAt = "started_at", finishedAt = "finished_at", keyID = "key_id"
        }
    }

    struct Document: Codable {
        let schema: String
        let tool: Tool
        let scan: ScanInfo
        let findings: [Finding]
        let resolvedBaseline: [BaselineEntry]
        let summary: ReportSummary
        enum CodingKeys: String, CodingKey {
            case schema, tool, scan, findings, summary
            case resolvedBaseline = "resolved_baseline"
        }
    }

    public init() {}

    /// One JSON document, keys sorted.
    public func render(_ report: ScanReport) -> Data {
        (try? encoder(pretty: true).encode(document(report))) ?? Data()
    }

    /// One finding object per line, then a final `{"summary": …}` line.
    public func renderLines(_ report: ScanReport) -> Data {
        let encoder = encoder(pretty: false)
        var output = Data()
        for finding in report.findings {
            if let line = try? encoder.encode(finding) {
                output.append(line)
                output.append(0x0A)
            }
        }
        if let summary = try? encoder.encode(["summary": ReportSummary(report)]) {
            output.append(summary)
            output.append(0x0A)
        }
        return output
    }

    func document(_ report: ScanReport) -> Document {
        let dates = ISO8601DateFormatter()
        return Document(
            schema: Self.schema,
            tool: Tool(name: "coffer-radar", version: Self.toolVersion, rulesVersion: RuleCatalog.version),
            scan: ScanInfo(
                source: report.source, target: report.target, startedAt: dates.string(from: report.startedAt),
                finishedAt: dates.string(from: report.finishedAt), bytes: report.bytesScanned,
                files: report.filesScanned, commits: report.commitsScanned, keyID: report.keyID),
            findings: report.findings, resolvedBaseline: report.resolvedBaselineEntries, summary: ReportSummary(report))
    }

    private func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
