import CofferEncoding

/// `sys/lint`'s findings as `coffer lint` prints them: text for a terminal,
/// SARIF 2.1.0 for code-scanning dashboards.
enum LintReportFormat {
    static func text(_ findings: [JSONValue]) -> String {
        guard !findings.isEmpty else { return "No findings: the configuration follows the guide's advice." }
        var lines: [String] = []
        for finding in findings {
            let severity = (finding["severity"]?.stringValue ?? "").uppercased()
            lines.append(
                "\(severity.padding(toLength: 6, withPad: " ", startingAt: 0)) \(field(finding, "id"))  \(field(finding, "object"))")
            lines.append("       \(field(finding, "title")): \(field(finding, "why"))")
            lines.append("       fix: \(field(finding, "fix"))")
            lines.append("")
        }
        lines.append("\(findings.count) finding\(findings.count == 1 ? "" : "s")")
        return lines.joined(separator: "\n")
    }

    /// One run of the `coffer lint` tool: every check as a rule, every finding as
    /// a result located at its object (a logical location: an API path).
    static func sarif(_ data: JSONValue) -> JSONValue {
        let rules: [JSONValue] = (data["checks"]?.arrayValue ?? []).map { check in
            [
                "id": check["id"] ?? "", "name": check["id"] ?? "",
                "shortDescription": ["text": check["title"] ?? ""],
                "defaultConfiguration": ["level": .string(level(check["severity"]?.stringValue))],
            ]
        }
        let results: [JSONValue] = (data["findings"]?.arrayValue ?? []).map { finding in
            [
                "ruleId": finding["id"] ?? "",
                "level": .string(level(finding["severity"]?.stringValue)),
                "message": ["text": .string("\(field(finding, "why")) Fix: \(field(finding, "fix"))")],
                "locations": [["logicalLocations": [["fullyQualifiedName": finding["object"] ?? "", "kind": "resource"]]]],
                "properties": ["severity": finding["severity"] ?? "", "fix": finding["fix"] ?? ""],
            ]
        }
        return [
            "version": "2.1.0",
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "runs": [
                [
                    "tool": ["driver": ["name": "coffer lint", "rules": .array(rules)]],
                    "results": .array(results),
                ]
            ],
        ]
    }

    private static func level(_ severity: String?) -> String {
        switch severity {
        case "high": "error"
        case "medium": "warning"
        default: "note"
        }
    }

    private static func field(_ value: JSONValue, _ name: String) -> String {
        value[name]?.stringValue ?? ""
    }
}
