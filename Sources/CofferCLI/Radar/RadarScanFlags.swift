import ArgumentParser
import CofferRadar
import Foundation

/// The flags `radar scan` and `radar baseline create` share: what to read and how (spec §2-§9).
struct RadarScanFlags: ParsableArguments {
    @Flag(help: "Follow symbolic links in directory scans.") var followSymlinks = false
    @Option(help: "Files or patches scanned at once (default: the number of cores).") var jobs: Int?
    @Option(help: "Skip files larger than this many bytes.") var maxFileSize: Int?
    @Option(help: "A radar config file (.coffer-radar.yml schema): allowlists, custom rules.") var config: String?
    @Flag(
        help:
            "dir, git: use the .coffer-radar.yml the scanned tree (or the default branch's tip) carries; off by default, so a repository cannot silence its own scan."
    )
    var useRepoConfig = false
    @Option(help: "Run an off-by-default rule too (repeatable).") var enableRule: [String] = []
    @Option(help: "Do not run this rule (repeatable).") var disableRule: [String] = []
    @Flag(help: "Ignore every coffer:allow marker (auditing mode).") var noInlineIgnores = false
    @Flag(help: "Ignore gitleaks:allow and pragma: allowlist markers.") var noForeignMarkers = false
    @Flag(help: "git: diff merge commits against every parent, not only the first.") var allParents = false
    @Option(help: "git: the ref whose tip decides in_head (default HEAD).") var defaultBranch: String?
    @Option(help: "git: only commits not in this revision, or a rev-range (PR mode).") var since: String?
    @Option(help: "git: scanned blobs remembered for dedupe.") var maxCache: Int?
    @Flag(help: "git: scan only what the index adds over HEAD (a pre-commit hook).") var staged = false
    @Flag(help: "git: also scan dangling commits, trees and blobs (after a force-push or a deleted branch).")
    var unreachable = false
    @Flag(help: "dir: skip files .gitignore rules ignore (off by default: ignored files such as .env hold secrets).")
    var respectGitignore = false
    @Option(help: "A file holding the hash key (base64 of 32 bytes).") var hashKeyFile: String?
    @Option(help: "The CircleCI project name used in suggested Coffer paths.") var project = "project"
    @Option(help: "Suggested Coffer path for a CircleCI secret, with <project> and <NAME>.")
    var pathTemplate = "secret/data/circleci/<project>/<NAME>"
    @Option(help: "circleci-envvars: flag secret variables unchanged for longer than this.") var maxAgeDays = 180
    @Option(help: "circleci-envvars: a file mapping variable names to the Coffer paths they moved to.")
    var mapping: String?
    @Flag(help: "env: hash the values of secret-looking variables; required, as a reminder that values are read.")
    var hashOnly = false
    @Option(help: "stdin: the path findings are reported under.") var name = "stdin"

    /// The hash key (spec §9): the server's when given, else --hash-key-file, else
    /// $COFFER_RADAR_HASH_KEY, else a local key made at first use in the user config directory.
    func hashKey(server: RadarHashKey?) throws -> RadarHashKey {
        if let server { return server }
        if let hashKeyFile {
            guard let text = try? String(contentsOfFile: hashKeyFile, encoding: .utf8), let key = RadarHashKey(base64: text) else {
                throw RadarError.invalidConfig("--hash-key-file must hold the base64 of 32 bytes")
            }
            return key
        }
        if let text = ProcessInfo.processInfo.environment["COFFER_RADAR_HASH_KEY"] {
            guard let key = RadarHashKey(base64: text) else {
                throw RadarError.invalidConfig("COFFER_RADAR_HASH_KEY must be the base64 of 32 bytes")
            }
            return key
        }
        return LocalHashKey.loadOrCreate()
    }

    /// Applies the flags; a bad value is a configuration error (exit 2).
    func apply(to options: inout RadarScanOptions) throws {
        options.followSymlinks = followSymlinks
        if let jobs {
            guard (1...256).contains(jobs) else { throw RadarError.invalidConfig("--jobs takes 1 to 256") }
            options.jobs = jobs
        }
        if let maxFileSize {
            guard maxFileSize > 0 else { throw RadarError.invalidConfig("--max-file-size must be positive") }
            options.maxFileSize = maxFileSize
        }
        if let maxCache {
            guard maxCache >= 0 else { throw RadarError.invalidConfig("--max-cache must not be negative") }
            options.maxCacheEntries = maxCache
        }
        guard maxAgeDays >= 0 else { throw RadarError.invalidConfig("--max-age-days must not be negative") }
        if let config {
            guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                throw RadarError.invalidConfig("cannot read \(config)")
            }
            options.config = try RadarConfig.parse(text)
        }
        options.enableRules = Set(enableRule)
        options.disableRules = Set(disableRule)
        options.inlineIgnores = !noInlineIgnores
        options.foreignMarkers = !noForeignMarkers
        options.allParents = allParents
        options.defaultBranch = defaultBranch
        options.sinceRevision = since
        guard !(staged && (since != nil || unreachable)) else {
            throw RadarError.invalidConfig("--staged scans the index alone: not with --since or --unreachable")
        }
        options.gitStaged = staged
        options.gitUnreachable = unreachable
        options.respectGitignore = respectGitignore
        options.project = project
        options.pathTemplate = pathTemplate
        options.envVarMaxAgeDays = maxAgeDays
        if let mapping {
            guard let data = FileManager.default.contents(atPath: mapping), let parsed = EnvVarMappingFile.parse(data) else {
                throw RadarError.invalidConfig("cannot read the mapping file \(mapping)")
            }
            options.envVarMapping = parsed
        }
    }

    /// `--use-repo-config` (spec §6): the scanned repository's own `.coffer-radar.yml`, when it has one.
    func applyRepoConfig(to options: inout RadarScanOptions, source: String, paths: [String]) throws {
        guard useRepoConfig else { return }
        guard config == nil else { throw RadarError.invalidConfig("--use-repo-config and --config are exclusive") }
        let root: RadarConfig.Root
        switch source {
        case "dir": root = .directory(paths.first ?? ".")
        case "git": root = .repository(paths.first ?? ".", ref: defaultBranch ?? "HEAD")
        default: throw RadarError.invalidConfig("--use-repo-config applies to dir and git scans")
        }
        if let found = try RadarConfig.load(from: root) { options.config = found }
    }

    /// What `source` and `paths` name (spec §2).
    func target(source: String, paths: [String]) throws -> RadarTarget {
        switch source {
        case "env":
            guard hashOnly else { throw RadarError.invalidConfig("scan env reads secret values: say --hash-only") }
            // The radar key itself is no secret to report.
            let environment = ProcessInfo.processInfo.environment.filter { $0.key != "COFFER_RADAR_HASH_KEY" }
            return .environment(environment.map { (name: $0.key, value: $0.value) })
        case "dir": return .directory(paths.isEmpty ? ["."] : paths)
        case "git": return .git(repository: paths.first ?? ".")
        case "circleci-config": return .circleCIConfig(paths.isEmpty ? [".circleci"] : paths)
        case "circleci-envvars":
            guard !paths.isEmpty else { throw RadarError.invalidConfig("circleci-envvars needs the exported listing file(s)") }
            return .circleCIEnvVars(paths)
        case "stdin": return .bytes(label: name, content: Array(FileHandle.standardInput.readDataToEndOfFile()))
        default: throw RadarError.invalidConfig("unknown source \"\(source)\" (dir, git, circleci-config, circleci-envvars, env, stdin)")
        }
    }
}
