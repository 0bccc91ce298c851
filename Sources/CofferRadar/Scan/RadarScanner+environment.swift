import Foundation

/// `scan env --hash-only` (spec §2.4): run as a CircleCI job step, it looks at the job's own
/// environment, the only place CircleCI's variable values can be seen. Each variable whose
/// name looks secret becomes a finding holding the keyed hash of its value (and, with
/// -correlate, the slow hash sent to Coffer); the value itself is never kept or shown.
extension RadarScanner {
    func scanEnvironment(_ variables: [(name: String, value: String)], report: inout ScanReport) {
        let rule = EnvVarRules.environment
        let secret = variables.filter { EnvVarClassifier.looksSecret($0.name) && !$0.value.isEmpty }
            .sorted { $0.name < $1.name }
        let correlation = options.correlationHasher?.hashAll(secret.map { Array($0.value.utf8) }) ?? []
        for (index, variable) in secret.enumerated() {
            let value = Array(variable.value.utf8)
            let valueHash = options.hashKey.valueHash(value)
            var tags = ["length:\(value.count)"]
            if let type = EnvVarClassifier.credentialType(variable.name) { tags.append("credential-type:\(type)") }
            let location = FindingLocation(
                path: "environment", startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, yamlPath: variable.name,
                snippet: "\(variable.name)=…")
            report.findings.append(
                Finding(
                    id: options.hashKey.findingID(ruleID: rule.id, valueHash: valueHash, path: variable.name), ruleID: rule.id,
                    family: rule.family, description: rule.description, severity: rule.severity, valueHash: valueHash,
                    redacted: "…", entropy: (Entropy.shannon(value) * 1000).rounded() / 1000, tags: tags, suppressed: false,
                    suppressionReason: nil, baselineStatus: nil, inHead: true, firstCommit: nil, removedInCommit: nil,
                    locations: [location], migration: nil, remediation: rule.remediation,
                    correlationHash: index < correlation.count ? correlation[index] : nil))
        }
        report.findings.sort(by: Finding.reportOrder)
    }
}
