import Foundation

/// Everything a scan needs besides its target; the CLI fills it from flags (spec §2-§14).
public struct RadarScanOptions: Sendable {
    /// `K` for value hashes and finding ids (spec §9).
    public var hashKey: RadarHashKey
    public var redaction: RedactionMode = .partial
    /// `--max-file-size`, bytes.
    public var maxFileSize = 10 * 1024 * 1024
    public var followSymlinks = false
    /// Files (and git patches) scanned at once (`--jobs`); defaults to the cores there are.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// `--no-inline-ignores` sets this false.
    public var inlineIgnores = true
    /// `--no-foreign-markers` sets this false.
    public var foreignMarkers = true
    public var enableRules: Set<String> = []
    public var disableRules: Set<String> = []
    /// `.coffer-radar.yml` contents (`--config`), already parsed.
    public var config = RadarConfig()
    /// The instant expiry (JWT `exp`) is judged against.
    public var now = Date()
    /// CircleCI: `--path-template` and the project name substituted into it.
    public var pathTemplate = "secret/data/circleci/<project>/<NAME>"
    public var project = "project"
    /// Git: diff merges against every parent instead of the first (`--all-parents`).
    public var allParents = false
    /// Git: the ref whose tip decides `in_head` (`--default-branch`); nil means `HEAD`.
    public var defaultBranch: String? = nil
    /// Git: only commits not reachable from this revision (`--since <rev>`, PR mode).
    public var sinceRevision: String? = nil
    /// Git: scan only what the index adds over `HEAD` (`--staged`, for a pre-commit hook).
    public var gitStaged = false
    /// Git: also scan dangling commits, trees and blobs (`--unreachable`).
    public var gitUnreachable = false
    /// Directory: skip files the tree's `.gitignore` rules ignore (`--respect-gitignore`; off by
    /// default, as ignored files such as `.env` are where secrets live).
    public var respectGitignore = false
    /// Git: read blobs from the pack files in process (false: every blob through `git cat-file`).
    public var gitReadsPacks = true
    /// Git: scanned-blob cache size for dedupe (`--max-cache`, entries).
    public var maxCacheEntries = 100_000
    /// Env-var listings: variables unchanged for longer are tagged `not-rotated` (`--max-age-days`).
    public var envVarMaxAgeDays = 180
    /// Env-var listings: variable name to the Coffer path it moved to (`--mapping`).
    public var envVarMapping: [String: String]? = nil
    /// Called now and then with what was scanned so far (files or commits, bytes), for a progress line.
    public var progress: (@Sendable (_ items: Int, _ bytes: Int) -> Void)? = nil
    /// Correlation (spec §11): when set, each finding carries the slow keyed hash of its value.
    public var correlationHasher: CorrelationHasher? = nil
    /// `--check-activeness` (spec §12): asks providers whether found secrets are live; nil means never.
    public var activenessProbe: (any ActivenessProbe)? = nil

    public init(hashKey: RadarHashKey) {
        self.hashKey = hashKey
    }
}

/// What to scan (spec §2).
public enum RadarTarget: Sendable {
    /// Directory trees or single files (`scan dir`).
    case directory([String])
    /// Full history of a repository (`scan git`).
    case git(repository: String)
    /// CircleCI config files or directories holding them (`scan circleci-config`).
    case circleCIConfig([String])
    /// Bytes read by the caller from stdin (`scan stdin --name <label>`).
    case bytes(label: String, content: [UInt8])
    /// CircleCI env-var listings exported from its API (`scan circleci-envvars`).
    case circleCIEnvVars([String])
    /// The process environment, hashed only (`scan env --hash-only`, run inside a CI job).
    case environment([(name: String, value: String)])

    var sourceName: String {
        switch self {
        case .directory: "dir"
        case .git: "git"
        case .circleCIConfig: "circleci-config"
        case .bytes: "stdin"
        case .circleCIEnvVars: "circleci-envvars"
        case .environment: "env"
        }
    }

    var targetDescription: String {
        switch self {
        case .directory(let paths), .circleCIConfig(let paths), .circleCIEnvVars(let paths): paths.joined(separator: " ")
        case .git(let repository): repository
        case .bytes(let label, _): label
        case .environment: "environment"
        }
    }
}
