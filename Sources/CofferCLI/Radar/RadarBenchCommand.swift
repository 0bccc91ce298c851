import ArgumentParser
import CofferRadar
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `coffer radar bench PATH` (spec §15): scans once and prints throughput, so CI can track
/// regressions. CPU time includes the git processes a history scan runs (they are children).
struct RadarBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Scan a tree (or a git history) and print MB/s.",
        discussion: "MB/s per core is bytes scanned per CPU-second (user + system, this process and its children).")

    @Argument(help: "The directory (dir) or repository (git) to scan.") var path = "."
    @Option(help: "dir | git") var source = "dir"
    @Option(help: "Files or patches scanned at once (default: the number of cores).") var jobs: Int?
    @Option(help: "text | json") var format = "text"

    /// What one run measured; the `json` format.
    struct Result: Codable {
        var source: String
        var target: String
        var jobs: Int
        var bytes: Int
        var files: Int
        var commits: Int
        var findings: Int
        var wallSeconds: Double
        var cpuSeconds: Double
        var mbPerSecondWall: Double
        var mbPerSecondPerCore: Double

        enum CodingKeys: String, CodingKey {
            case source, target, jobs, bytes, files, commits, findings
            case wallSeconds = "wall_seconds", cpuSeconds = "cpu_seconds"
            case mbPerSecondWall = "mb_per_second_wall", mbPerSecondPerCore = "mb_per_second_per_core"
        }
    }

    func run() throws {
        do {
            guard ["dir", "git"].contains(source) else { throw RadarError.invalidConfig("bench scans dir or git") }
            guard ["text", "json"].contains(format) else { throw RadarError.invalidConfig("bench prints text or json") }
            var options = RadarScanOptions(hashKey: .random())
            if let jobs {
                guard (1...256).contains(jobs) else { throw RadarError.invalidConfig("--jobs takes 1 to 256") }
                options.jobs = jobs
            }
            let scanner = try RadarScanner(options: options)
            let target: RadarTarget = source == "git" ? .git(repository: path) : .directory([path])
            let cpuBefore = Self.cpuSeconds()
            let started = Date()
            let report = scanner.scan(target)
            let wall = max(Date().timeIntervalSince(started), 1e-6)
            let cpu = max(Self.cpuSeconds() - cpuBefore, 1e-6)
            let megabytes = Double(report.bytesScanned) / 1e6
            let result = Result(
                source: source, target: path, jobs: options.jobs, bytes: report.bytesScanned, files: report.filesScanned,
                commits: report.commitsScanned, findings: report.findings.count, wallSeconds: wall, cpuSeconds: cpu,
                mbPerSecondWall: megabytes / wall, mbPerSecondPerCore: megabytes / cpu)
            if format == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
                let commits = source == "git" ? ", \(report.commitsScanned) commits" : ""
                print(
                    "\(source) \(path): \(fixed(megabytes, 1)) MB in \(report.filesScanned) files\(commits), "
                        + "\(report.findings.count) findings; \(fixed(wall, 2)) s wall, \(fixed(cpu, 2)) CPU-s on "
                        + "\(options.jobs) job(s); \(fixed(result.mbPerSecondWall, 1)) MB/s wall, "
                        + "\(fixed(result.mbPerSecondPerCore, 1)) MB/s per core")
            }
            if !report.errors.isEmpty {
                for error in report.errors.prefix(5) { FileHandle.standardError.write(Data("error: \(error)\n".utf8)) }
                throw ExitCode(ExitStatus.scanError)
            }
        } catch let error as RadarError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(ExitStatus.code(for: error))
        }
    }

    /// User + system time of this process and its waited-for children (`times(2)`, in clock ticks).
    static func cpuSeconds() -> Double {
        var usage = tms()
        _ = times(&usage)
        let ticks = Double(usage.tms_utime + usage.tms_stime + usage.tms_cutime + usage.tms_cstime)
        return ticks / Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
    }
}
