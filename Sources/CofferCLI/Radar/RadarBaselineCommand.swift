import ArgumentParser
import CofferRadar
import Foundation

/// `coffer radar baseline create SOURCE PATHS... -o FILE` (spec §8): accepts today's findings
/// so CI fails only on new ones. The file holds keyed hashes and locations, never values.
struct RadarBaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline", abstract: "Accept the current findings.", subcommands: [Create.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan, then write every unsuppressed finding to a baseline file.",
            discussion: "Use the same hash key (--hash-key-file or COFFER_RADAR_HASH_KEY) when scanning with the baseline.")

        @Argument(help: "dir | git | circleci-config | circleci-envvars | env | stdin") var source: String
        @Argument(help: "Paths or the repository.") var paths: [String] = []
        @OptionGroup var flags: RadarScanFlags
        @Option(name: [.customShort("o"), .long], help: "The baseline file to write.") var output = ".coffer-radar-baseline.json"
        @Option(help: "accepted-risk | false-positive | test-fixture | migrated") var status = "accepted-risk"
        @Option(help: "Who accepts them (default $USER).") var addedBy: String?

        func run() throws {
            do {
                guard let status = BaselineEntry.Status(rawValue: status) else {
                    throw RadarError.invalidConfig("unknown baseline status \"\(status)\"")
                }
                if flags.hashKeyFile == nil, ProcessInfo.processInfo.environment["COFFER_RADAR_HASH_KEY"] == nil {
                    throw RadarError.invalidConfig("a baseline needs a stable key: --hash-key-file or COFFER_RADAR_HASH_KEY")
                }
                var options = RadarScanOptions(hashKey: try flags.hashKey(server: nil))
                try flags.apply(to: &options)
                try flags.applyRepoConfig(to: &options, source: source, paths: paths)
                let report = try RadarScanner(options: options).scan(try flags.target(source: source, paths: paths))
                let who = addedBy ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
                let baseline = Baseline.create(from: report, status: status, addedBy: who)
                guard FileManager.default.createFile(atPath: output, contents: baseline.encoded()) else {
                    throw RadarError.invalidConfig("cannot write \(output)")
                }
                print("\(baseline.entries.count) finding(s) accepted in \(output)")
                if !report.errors.isEmpty { throw ExitCode(ExitStatus.scanError) }
            } catch let error as RadarError {
                FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
                throw ExitCode(ExitStatus.code(for: error))
            }
        }
    }
}
