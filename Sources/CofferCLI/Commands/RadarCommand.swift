import ArgumentParser
import CofferRadar
import Foundation

/// `coffer radar scan ...`: finds hardcoded secrets in a tree, a git history, a CircleCI
/// config, a CircleCI env-var listing or stdin (spec/radar.md); `coffer radar migrate`
/// plans their move into Coffer. Values never leave the scanner: findings carry a
/// redacted form and a keyed hash.
struct RadarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "radar", abstract: "Find hardcoded secrets.", subcommands: [Scan.self, RadarMigrateCommand.self]
    )

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan a source: dir PATH..., git [REPO], circleci-config PATH..., circleci-envvars FILE..., or stdin.",
            discussion: """
                Exit codes: 0 clean, 1 findings at or above --fail-severity, 2 usage, 3 scan error.
                The hash key comes from COFFER_RADAR_HASH_KEY (base64, 32 bytes); without it a
                random key is used and hashes are comparable within this run only. With -correlate,
                the key is the server's (sys/radar/key, VAULT_ADDR and VAULT_TOKEN) and findings
                stored in Coffer are marked with their path and version.
                """
        )

        @Argument(help: "dir | git | circleci-config | circleci-envvars | stdin") var source: String
        @Argument(help: "Paths (dir, circleci-config, circleci-envvars) or the repository (git).") var paths: [String] = []
        @Option(help: "text | json | jsonl | sarif") var format = "text"
        @Option(help: "The lowest severity that fails the scan: info | low | medium | high | critical.")
        var failSeverity = "medium"
        @Option(help: "partial | full: how much of a value findings show.") var redact = "partial"
        @Option(help: "A baseline file: findings it lists are marked as known.") var baseline: String?
        @Flag(help: "Follow symbolic links in directory scans.") var followSymlinks = false
        @Option(help: "Files or patches scanned at once (default: the number of cores).") var jobs: Int?
        @Option(help: "The CircleCI project name used in suggested Coffer paths.") var project = "project"
        @Option(help: "Suggested Coffer path for a CircleCI secret, with <project> and <NAME>.")
        var pathTemplate = "secret/data/circleci/<project>/<NAME>"
        @Option(help: "circleci-envvars: flag secret variables unchanged for longer than this.") var maxAgeDays = 180
        @Option(help: "circleci-envvars: a file mapping variable names to the Coffer paths they moved to.")
        var mapping: String?
        @Flag(help: "Ask Coffer (VAULT_ADDR, VAULT_TOKEN) which findings are stored secrets; sends only slow keyed hashes.")
        var correlate = false

        func run() async throws {
            guard let severity = Severity(name: failSeverity) else { throw usage("unknown severity \"\(failSeverity)\"") }
            guard let redaction = RedactionMode(rawValue: redact), redaction != .none else {
                throw usage("--redact takes partial or full")
            }
            guard maxAgeDays >= 0 else { throw usage("--max-age-days must not be negative") }
            let correlation = correlate ? RadarCorrelationClient(client: APIClient(settings: .fromEnvironment())) : nil
            let hasher = try await correlation?.hasher()
            let key =
                hasher?.hashKey ?? ProcessInfo.processInfo.environment["COFFER_RADAR_HASH_KEY"].flatMap(RadarHashKey.init(base64:))
                ?? .random()
            var options = RadarScanOptions(hashKey: key)
            options.redaction = redaction
            options.followSymlinks = followSymlinks
            if let jobs {
                guard (1...256).contains(jobs) else { throw usage("--jobs takes 1 to 256") }
                options.jobs = jobs
            }
            options.project = project
            options.pathTemplate = pathTemplate
            options.envVarMaxAgeDays = maxAgeDays
            options.envVarMapping = try mapping.map(readMapping)
            options.correlationHasher = hasher
            do {
                let scanner = try RadarScanner(options: options)
                var report = scanner.scan(try target())
                if let correlation { report.applyCorrelation(try await correlation.matches(report.correlationHashes)) }
                if let baseline {
                    report = try Baseline.decode(Data(contentsOf: URL(fileURLWithPath: baseline))).apply(to: report)
                }
                FileHandle.standardOutput.write(try render(report, rules: scanner.rules, redaction: redaction))
                throw ExitCode(ExitStatus.code(for: report, failSeverity: severity))
            } catch let error as RadarError {
                FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
                throw ExitCode(ExitStatus.code(for: error))
            }
        }

        private func target() throws -> RadarTarget {
            switch source {
            case "dir": return .directory(paths.isEmpty ? ["."] : paths)
            case "git": return .git(repository: paths.first ?? ".")
            case "circleci-config": return .circleCIConfig(paths.isEmpty ? [".circleci"] : paths)
            case "circleci-envvars":
                guard !paths.isEmpty else { throw usage("circleci-envvars needs the exported listing file(s)") }
                return .circleCIEnvVars(paths)
            case "stdin": return .bytes(label: "stdin", content: Array(FileHandle.standardInput.readDataToEndOfFile()))
            default: throw usage("unknown source \"\(source)\" (dir, git, circleci-config, circleci-envvars, stdin)")
            }
        }

        private func readMapping(_ path: String) throws -> [String: String] {
            guard let data = FileManager.default.contents(atPath: path), let mapping = EnvVarMappingFile.parse(data) else {
                throw usage("cannot read the mapping file \(path)")
            }
            return mapping
        }

        private func render(_ report: ScanReport, rules: [Rule], redaction: RedactionMode) throws -> Data {
            switch format {
            case "json": return JSONReportRenderer().render(report)
            case "jsonl": return JSONReportRenderer().renderLines(report)
            case "sarif": return try SARIFRenderer().render(report, rules: rules, redaction: redaction)
            case "text": return Data(TextReportRenderer().render(report).utf8)
            default: throw usage("unknown format \"\(format)\" (text, json, jsonl, sarif)")
            }
        }

        private func usage(_ message: String) -> ExitCode {
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            return ExitCode(ExitStatus.usage)
        }
    }
}
