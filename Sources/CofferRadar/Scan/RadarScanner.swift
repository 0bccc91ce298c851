import Foundation

/// The entry point the CLI calls: build once from options, then scan targets.
///
/// ```swift
/// let scanner = try RadarScanner(options: RadarScanOptions(hashKey: key))
/// let report = scanner.scan(.directory(["."]))
/// ```
public struct RadarScanner: Sendable {
    public let options: RadarScanOptions
    let engine: DetectionEngine
    let fragmentScanner: FragmentScanner
    let allowlist: Allowlist

    /// Compiles the rule set and allowlists; throws a configuration error (exit 2) on a bad config.
    public init(options: RadarScanOptions) throws {
        self.options = options
        let rules = try options.config.ruleSet(enable: options.enableRules, disable: options.disableRules)
        let enabled = options.enableRules.union(options.config.enableRules ?? [])
        engine = DetectionEngine(rules: rules, now: options.now, enabledEverywhere: enabled)
        allowlist = try options.config.allowlist()
        fragmentScanner = FragmentScanner(
            engine: engine,
            inlineIgnore: InlineIgnore(enabled: options.inlineIgnores, foreignMarkers: options.foreignMarkers),
            redactor: Redactor(mode: options.redaction))
    }

    /// The rules this scanner reports under, for `rules list` and SARIF: the engine's,
    /// then those of env-var listings (which match no text).
    public var rules: [Rule] { engine.rules + EnvVarRules.all }

    /// Runs a scan. Never throws: unreadable sources are listed in `errors` (exit code 3).
    public func scan(_ target: RadarTarget) -> ScanReport {
        let started = Date()
        var report = ScanReport(
            source: target.sourceName, target: target.targetDescription, startedAt: started,
            finishedAt: started, findings: [], keyID: options.hashKey.keyID)
        var aggregator = makeAggregator()
        switch target {
        case .directory(let paths):
            for path in paths { scanTree(path, circleCIOnly: false, into: &aggregator, report: &report) }
            report.findings = aggregator.findings()
        case .circleCIConfig(let paths):
            for path in paths { scanTree(path, circleCIOnly: true, into: &aggregator, report: &report) }
            report.findings = aggregator.findings()
        case .bytes(let label, let content):
            scanFile(bytes: content, path: label, into: &aggregator, report: &report)
            report.findings = aggregator.findings()
        case .environment(let variables):
            scanEnvironment(variables, report: &report)
        case .circleCIEnvVars(let paths):
            for path in paths { scanEnvVarListing(path, report: &report) }
            report.findings.sort(by: Finding.reportOrder)
        case .git(let repository):
            let history = GitHistoryScanner(scanner: self, repository: repository)
            history.scan(into: &aggregator, report: &report)
        }
        report.allowlisted += aggregator.allowlisted
        report.finishedAt = Date()
        return report
    }

    func makeAggregator() -> FindingAggregator {
        var aggregator = FindingAggregator(
            rules: engine.rules, hashKey: options.hashKey, redactor: Redactor(mode: options.redaction),
            allowlist: allowlist)
        aggregator.correlationHasher = options.correlationHasher
        aggregator.activenessProbe = options.activenessProbe
        return aggregator
    }

    /// Index of the CircleCI inline-credential rule, if enabled.
    var inlineRuleIndex: Int? { engine.rules.firstIndex { $0.id == "circleci-inline-credential" } }

    func circleCIScanner() -> CircleCIConfigScanner {
        CircleCIConfigScanner(
            scanner: fragmentScanner, inlineRuleIndex: inlineRuleIndex,
            pathTemplate: options.pathTemplate, project: options.project)
    }

    /// True for files parsed as CircleCI config in addition to the text scan.
    static func isCircleCIConfig(_ path: String) -> Bool {
        let lowered = path.lowercased()
        let inDirectory = lowered.hasPrefix(".circleci/") || lowered.contains("/.circleci/")
        return inDirectory && (lowered.hasSuffix(".yml") || lowered.hasSuffix(".yaml"))
    }
}
