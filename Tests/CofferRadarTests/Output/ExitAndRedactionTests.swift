import Foundation
import Testing

@testable import CofferRadar

/// Exit codes (spec §14) and redaction in every format (spec §13): no output carries a full
/// sample value of any rule.
@Suite struct ExitAndRedactionTests {
    @Test func exitCodesFollowTheFailSeverity() throws {
        let token = Samples.githubToken(seed: 50)
        let report = ScanHarness.defaultScanner.scan(.bytes(label: "a.env", content: Array("T=\(token)\n".utf8)))
        let severity = try #require(report.findings.first?.severity)
        #expect(ExitStatus.code(for: report, failSeverity: severity) == ExitStatus.findings)
        #expect(ExitStatus.code(for: report, failSeverity: .critical) == ExitStatus.clean)
        #expect(ExitStatus.code(for: report, failSeverity: severity, findingsCode: 9) == 9)
        let clean = ScanHarness.defaultScanner.scan(.bytes(label: "a.txt", content: Array("hello\n".utf8)))
        #expect(ExitStatus.code(for: clean) == ExitStatus.clean)
        var broken = clean
        broken.errors = ["cannot read x"]
        #expect(ExitStatus.code(for: broken) == ExitStatus.scanError)
        let suppressed = ScanHarness.defaultScanner.scan(.bytes(label: "a.env", content: Array("T=\(token) # coffer:allow\n".utf8)))
        #expect(suppressed.findings.count == 1 && ExitStatus.code(for: suppressed) == ExitStatus.clean)
        #expect(ExitStatus.code(for: RadarError.scanFailed("x")) == ExitStatus.scanError)
    }

    /// Every positive sample of every rule, rendered in every format and redaction mode.
    @Test(arguments: [RedactionMode.partial, .full])
    func noFormatShowsASampleValue(mode: RedactionMode) throws {
        let scanner = try ScanHarness.scanner { $0.redaction = mode }
        for sample in RuleSamples.all {
            for positive in sample.positives {
                let report = scanner.scan(.bytes(label: positive.path, content: Array(positive.text.utf8)))
                guard let finding = report.findings.first(where: { $0.ruleID == sample.id }) else { continue }
                let outputs = [
                    TextReportRenderer().render(report),
                    String(decoding: JSONReportRenderer().render(report), as: UTF8.self),
                    String(decoding: JSONReportRenderer().renderLines(report), as: UTF8.self),
                    String(decoding: try SARIFRenderer().render(report, rules: scanner.rules, redaction: mode), as: UTF8.self),
                ]
                let fragment = Fragment(bytes: Array(positive.text.utf8), path: positive.path, traits: .forFile(path: positive.path))
                let values = scanner.fragmentScanner.occurrences(in: fragment).map { String(decoding: $0.value, as: UTF8.self) }
                    .filter { $0.count >= 8 }
                let leaked = outputs.contains { output in values.contains { output.contains($0) } }
                #expect(!leaked, "\(sample.id) shows its value")
                if mode == .full { #expect(finding.redacted == "REDACTED") }
                if mode == .partial { #expect(finding.redacted.contains("…")) }
            }
        }
    }

    @Test func sarifRefusesUnredactedValues() throws {
        let report = ScanHarness.defaultScanner.scan(.bytes(label: "a.txt", content: Array("x\n".utf8)))
        #expect(throws: RadarError.invalidConfig("")) {
            try SARIFRenderer().render(report, rules: ScanHarness.defaultScanner.rules, redaction: .none)
        }
    }
}
