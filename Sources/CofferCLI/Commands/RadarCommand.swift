import ArgumentParser
import CofferRadar
import Foundation

/// `coffer radar scan ...`: finds hardcoded secrets in a tree, a git history, a
/// CircleCI config or stdin (spec/radar.md). Values never leave the scanner:
/// findings carry a redacted form and a keyed hash.
struct RadarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "radar", abstract: "Find hardcoded secrets.", subcommands: [Scan.self]
    )

    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan a source: dir PATH..., git [REPO], circleci-config PATH..., or stdin.",
            discussion: """
                Exit codes: 0 clean, 1 findings at or above --fail-severity, 2 usage, 3 scan error.
                The hash key comes from COFFER_RADAR_HASH_KEY (base64, 32 bytes); without it a
                random key is used and hashes are comparable within this run only.
                """
        )

        @Argument(help: "dir | git | circleci-config | stdin") var source: String
        @Argument(help: "Paths (dir, circleci-config) or the repository (git).") var paths: [String] = []
        @Option(help: "text | json | jsonl | sarif") var format = "text"
        @Option(help: "The lowest severity that fails the scan: info | low | medium | high | critical.")
        var failSeverity = "medium"
        @Option(help: "partial | full: how much of a value findings show.") var redact = "partial"
        @Option(help: "A baseline file: findings it lists are marked as known.") var baseline: String?
        @Flag(help: "Follow symbolic links in directory scans.") var followSymlinks = false

        func run() throws {
            guard let severity = Severity(name: failSeverity) else { throw usage("unknown severity \"\(failSeverity)\"") }
            guard let redaction = RedactionMode(rawValue: redact), redaction != .none else {
                throw usage("--redact takes partial or full")
            }
            let key = ProcessInfo.processInfo.environment["COFFER_RADAR_HASH_KEY"].flatMap(RadarHashKey.init(base64:)) ?? .random()
            var options = RadarScanOptions(hashKey: key)
            options.redaction = redaction
            options.followSymlinks = followSymlinks
            do {
                let scanner = try RadarScanner(options: options)
                var report = scanner.scan(try target())
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
            case "stdin": return .bytes(label: "stdin", content: Array(FileHandle.standardInput.readDataToEndOfFile()))
            default: throw usage("unknown source \"\(source)\" (dir, git, circleci-config, stdin)")
            }
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
