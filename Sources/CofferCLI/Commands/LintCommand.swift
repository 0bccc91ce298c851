import ArgumentParser
import CofferEncoding
import Foundation

/// `coffer lint`: the live configuration against the guide's security advice
/// (issue 17). Exit status: 0 no finding at or above --fail-on, 1 findings, 2 error.
struct LintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint", abstract: "Check the server's configuration against the guide's security advice.",
        discussion: "Exit status: 0 no finding at or above --fail-on, 1 findings, 2 error. Needs a token with sudo on sys/lint."
    )

    @Option(name: .customLong("format"), help: "text, json or sarif.") var format = "text"
    @Option(name: .customLong("ignore"), help: "A check id to leave out (repeat for several).") var ignore: [String] = []
    @Option(name: .customLong("fail-on"), help: "The lowest severity that fails the run: low, medium or high.") var failOn = "low"

    func run() async throws {
        let severities = ["low", "medium", "high"]
        guard let threshold = severities.firstIndex(of: failOn) else {
            throw CLIError("unknown severity \"\(failOn)\" (low, medium, high)", exitCode: 2)
        }
        guard ["text", "json", "sarif"].contains(format) else { throw CLIError("unknown format \"\(format)\" (text, json, sarif)") }
        let client = APIClient(settings: .fromEnvironment())
        let ignored = ignore.flatMap { $0.split(separator: ",").map(String.init) }
        let query = ignored.isEmpty ? nil : "ignore=" + ignored.joined(separator: ",")
        let answer = try await client.expect("Error linting the configuration", "GET", "sys/lint", query: query)
        let data = answer.body?["data"] ?? .null
        let findings = data["findings"]?.arrayValue ?? []
        switch format {
        case "json": print(OutputFormat.json(data))
        case "sarif": print(OutputFormat.json(LintReportFormat.sarif(data)))
        default: print(LintReportFormat.text(findings))
        }
        let failing = findings.contains { finding in
            (severities.firstIndex(of: finding["severity"]?.stringValue ?? "") ?? 0) >= threshold
        }
        if failing { throw ExitCode(1) }
    }
}
