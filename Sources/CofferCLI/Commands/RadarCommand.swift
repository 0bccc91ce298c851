import ArgumentParser
import CofferRadar
import Foundation

/// `coffer radar scan ...`: finds hardcoded secrets in a tree, a git history, a CircleCI
/// config, a CircleCI env-var listing or stdin (spec/radar.md); `coffer radar migrate`
/// plans their move into Coffer. Values never leave the scanner: findings carry a
/// redacted form and a keyed hash.
struct RadarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "radar", abstract: "Find hardcoded secrets.",
        subcommands: [
            Scan.self, RadarMigrateCommand.self, RadarBaselineCommand.self, RadarRulesCommand.self, RadarBenchCommand.self,
        ]
    )

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan a source: dir PATH..., git [REPO], circleci-config PATH..., circleci-envvars FILE..., or stdin.",
            discussion: """
                Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, 3 scan error.
                The hash key comes from --hash-key-file or COFFER_RADAR_HASH_KEY (base64, 32 bytes);
                without either a random key is used and hashes are comparable within this run only.
                With -correlate, the key is the server's (sys/radar/key, VAULT_ADDR and VAULT_TOKEN)
                and findings stored in Coffer are marked with their path and version.
                """
        )

        @Argument(help: "dir | git | circleci-config | circleci-envvars | env | stdin") var source: String
        @Argument(help: "Paths (dir, circleci-config, circleci-envvars) or the repository (git).") var paths: [String] = []
        @OptionGroup var flags: RadarScanFlags
        @Option(help: "text | json | jsonl | sarif") var format = "text"
        @Option(help: "Write the report here instead of stdout.") var output: String?
        @Option(
            name: [.customLong("fail-on"), .customLong("fail-severity")],
            help: "The lowest severity that fails the scan: info | low | medium | high | critical.")
        var failSeverity = "medium"
        @Option(help: "The exit code when findings fail the scan.") var exitCode: Int32 = ExitStatus.findings
        @Option(help: "partial | full | none: how much of a value findings show (none: local triage only, never with sarif).")
        var redact = "partial"
        @Option(help: "A baseline file: findings it lists are marked as known.") var baseline: String?
        @Flag(help: "Ask Coffer (VAULT_ADDR, VAULT_TOKEN) which findings are stored secrets; sends only slow keyed hashes.")
        var correlate = false
        @Flag(help: "Ask each secret's provider whether it is live (GitHub, Slack, Stripe, AWS STS). Sends the secret to its provider.")
        var checkActiveness = false
        @Option(help: "With --check-activeness: a provider's base URL, as provider=URL (github, slack, stripe, aws; repeatable).")
        var activenessEndpoint: [String] = []

        func run() async throws {
            do {
                guard let severity = Severity(name: failSeverity) else {
                    throw RadarError.invalidConfig("unknown severity \"\(failSeverity)\"")
                }
                guard let redaction = RedactionMode(rawValue: redact) else {
                    throw RadarError.invalidConfig("--redact takes partial, full or none")
                }
                if redaction == .none {
                    guard format != "sarif" else { throw RadarError.invalidConfig("--redact none is refused with --format sarif") }
                    FileHandle.standardError.write(Data("warning: --redact none prints secret values; for local triage only\n".utf8))
                }
                if checkActiveness {
                    FileHandle.standardError.write(
                        Data("warning: --check-activeness sends each secret found to its provider\n".utf8))
                } else if !activenessEndpoint.isEmpty {
                    throw RadarError.invalidConfig("--activeness-endpoint needs --check-activeness")
                }
                let correlation = correlate ? RadarCorrelationClient(client: APIClient(settings: .fromEnvironment())) : nil
                let hasher = try await correlation?.hasher()
                var options = RadarScanOptions(hashKey: try flags.hashKey(server: hasher?.hashKey))
                options.redaction = redaction
                options.correlationHasher = hasher
                try flags.apply(to: &options)
                try flags.applyRepoConfig(to: &options, source: source, paths: paths)
                if checkActiveness {
                    options.activenessProbe = try ProviderActivenessProbe(
                        overrides: try ProviderActivenessProbe.overrides(activenessEndpoint))
                }
                let progress = ProgressLine(unit: source == "git" ? "commits" : "files")
                if let progress { options.progress = { progress.update(items: $0, bytes: $1) } }
                let scanner = try RadarScanner(options: options)
                var report = scanner.scan(try flags.target(source: source, paths: paths))
                progress?.finish()
                if let correlation, source == "circleci-envvars" {
                    // A listing has only CircleCI's last four characters to compare.
                    let hints = try await correlation.matches(report.correlationHashes, endpoint: "sys/radar/correlate-last4")
                    report.applyLastFourCorrelation(hints)
                } else if let correlation {
                    report.applyCorrelation(try await correlation.matches(report.correlationHashes))
                }
                if let baseline {
                    guard let data = FileManager.default.contents(atPath: baseline) else {
                        throw RadarError.invalidConfig("cannot read baseline \(baseline)")
                    }
                    report = try Baseline.decode(data).apply(to: report)
                }
                let rendered = try render(report, rules: scanner.rules, redaction: redaction)
                if let output {
                    guard FileManager.default.createFile(atPath: output, contents: rendered) else {
                        throw RadarError.invalidConfig("cannot write \(output)")
                    }
                } else {
                    FileHandle.standardOutput.write(rendered)
                }
                throw ExitCode(ExitStatus.code(for: report, failSeverity: severity, findingsCode: exitCode))
            } catch let error as RadarError {
                FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
                throw ExitCode(ExitStatus.code(for: error))
            }
        }

        private func render(_ report: ScanReport, rules: [Rule], redaction: RedactionMode) throws -> Data {
            switch format {
            case "json": return JSONReportRenderer().render(report)
            case "jsonl": return JSONReportRenderer().renderLines(report)
            case "sarif": return try SARIFRenderer().render(report, rules: rules, redaction: redaction)
            case "text": return Data(TextReportRenderer().render(report).utf8)
            default: throw RadarError.invalidConfig("unknown format \"\(format)\" (text, json, jsonl, sarif)")
            }
        }
    }
}
