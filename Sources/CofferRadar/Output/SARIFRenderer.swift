import Foundation

/// The `sarif` format: SARIF 2.1.0 with one run, ranked for code-scanning UIs (spec §13).
public struct SARIFRenderer: Sendable {
    /// Upload limits of common code-scanning platforms; beyond this a notification says so.
    public var maxResults = 5000
    /// At most this many locations per result.
    public var maxLocationsPerResult = 10
    /// Git mode provenance: repository URI, revision and branch.
    public var repositoryURI: String? = nil
    public var revision: String? = nil
    public var branch: String? = nil
    /// The scan root as a `file://` URI for `%SRCROOT%`.
    public var sourceRoot: String? = nil

    public init() {}

    /// Renders `report`; refuses `--redact=none`, which would put values into an uploaded file.
    public func render(_ report: ScanReport, rules: [Rule], redaction: RedactionMode) throws -> Data {
        guard redaction != .none else {
            throw RadarError.invalidConfig("--redact=none cannot be combined with --format sarif")
        }
        var index: [String: Int] = [:]
        for (position, rule) in rules.enumerated() { index[rule.id] = position }
        let kept = Array(report.findings.prefix(maxResults))
        var notifications: [SARIF.Notification] = report.errors.map { SARIF.Notification(level: "error", message: .init(text: $0)) }
        if report.findings.count > maxResults {
            notifications.append(
                .init(
                    level: "warning",
                    message: .init(
                        text: "results truncated to \(maxResults) of \(report.findings.count)")))
        }
        let run = SARIF.Run(
            tool: SARIF.Tool(
                driver: SARIF.Driver(
                    name: "coffer-radar", semanticVersion: JSONReportRenderer.toolVersion,
                    informationUri: "https://github.com/coffer/coffer/blob/main/docs/radar.md",
                    rules: rules.map(descriptor))),
            originalUriBaseIds: ["%SRCROOT%": SARIF.ArtifactLocation(uri: sourceRoot ?? "file:///", uriBaseId: nil)],
            invocations: [
                SARIF.Invocation(
                    executionSuccessful: report.errors.isEmpty,
                    toolExecutionNotifications: notifications.isEmpty ? nil : notifications)
            ],
            versionControlProvenance: repositoryURI.map { [SARIF.VersionControl(repositoryUri: $0, revisionId: revision, branch: branch)] },
            results: kept.map { result(for: $0, ruleIndex: index[$0.ruleID] ?? 0) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(SARIF.Log(runs: [run]))
    }

    private func descriptor(_ rule: Rule) -> SARIF.ReportingDescriptor {
        SARIF.ReportingDescriptor(
            id: rule.id, name: Self.pascalCase(rule.id), shortDescription: .init(text: rule.description),
            fullDescription: .init(text: "\(rule.description) (family: \(rule.family.rawValue))."),
            help: SARIF.Help(text: rule.remediation, markdown: "**Remediation:** \(rule.remediation)"),
            defaultConfiguration: .init(level: rule.severity.sarifLevel),
            properties: .init(
                tags: ["security", "secret", rule.family.rawValue],
                securitySeverity: rule.severity.securitySeverityScore))
    }

    private func result(for finding: Finding, ruleIndex: Int) -> SARIF.Result {
        let locations = finding.locations.prefix(maxLocationsPerResult).map { location in
            SARIF.Location(
                physicalLocation: SARIF.PhysicalLocation(
                    artifactLocation: .init(uri: Self.relativeURI(location.path), uriBaseId: "%SRCROOT%"),
                    region: SARIF.Region(
                        startLine: max(1, location.startLine), startColumn: max(1, location.startColumn),
                        endLine: max(1, location.endLine), endColumn: max(1, location.endColumn),
                        snippet: location.snippet.isEmpty ? nil : .init(text: location.snippet))))
        }
        var suppressions: [SARIF.Suppression] = []
        if finding.suppressed { suppressions.append(.init(kind: "inSource", justification: finding.suppressionReason)) }
        if let status = finding.baselineStatus { suppressions.append(.init(kind: "external", justification: "baseline: \(status)")) }
        return SARIF.Result(
            ruleId: finding.ruleID, ruleIndex: ruleIndex, level: finding.severity.sarifLevel,
            message: .init(text: "\(finding.description): \(finding.redacted)"),
            locations: Array(locations), partialFingerprints: ["secretHash/v1": finding.valueHash],
            suppressions: suppressions.isEmpty ? nil : suppressions,
            properties: SARIF.ResultProperties(
                severity: finding.severity.name, inHead: finding.inHead, commit: finding.firstCommit,
                yamlPath: finding.locations.first?.yamlPath, cofferPath: finding.migration?.cofferPath, tags: finding.tags))
    }

    /// A relative URI reference: no leading `./` or `/`, percent-encoded.
    static func relativeURI(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.hasPrefix("./") { trimmed = trimmed.dropFirst(2) }
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        return String(trimmed).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String(trimmed)
    }

    static func pascalCase(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
