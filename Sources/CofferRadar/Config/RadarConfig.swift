import Foundation
import Yams

/// The `.coffer-radar.yml` configuration file (spec §6).
public struct RadarConfig: Sendable, Decodable {
    /// The `allow:` block.
    public struct Allow: Sendable, Decodable {
        public var paths: [String]?
        public var values: [String]?
        public var stopwords: [String]?
        public var commits: [String]?
        public var fingerprints: [String]?
    }

    /// A user-defined rule: keywords gate a regular expression run on the hit's line.
    public struct CustomRule: Sendable, Decodable {
        public var id: String
        public var family: String?
        public var description: String?
        public var keywords: [String]
        public var pattern: String
        public var entropyMin: Double?
        public var severity: Severity?
        /// Paths and values this rule never reports (`allow: { paths: [...], values: [...] }`).
        public var allow: Allow?

        enum CodingKeys: String, CodingKey {
            case id, family, description, keywords, pattern, severity, allow
            case entropyMin = "entropy_min"
        }
    }

    public var version: Int?
    /// `default` (built-in rules) or `none` (only custom rules, no global path allowlist).
    public var extends: String?
    public var disableRules: [String]?
    public var enableRules: [String]?
    public var allow: Allow?
    public var rules: [CustomRule]?

    enum CodingKeys: String, CodingKey {
        case version, extends, allow, rules
        case disableRules = "disable_rules", enableRules = "enable_rules"
    }

    public init() {}

    /// Parses YAML text; any error is a configuration error (exit 2).
    public static func parse(_ text: String) throws -> RadarConfig {
        do {
            return try YAMLDecoder().decode(RadarConfig.self, from: text)
        } catch {
            throw RadarError.invalidConfig("cannot parse radar config")
        }
    }

    /// Where a scanned tree keeps its own config (`--use-repo-config`).
    public enum Root: Sendable {
        /// `.coffer-radar.yml` at the top of a directory scan.
        case directory(String)
        /// `.coffer-radar.yml` as committed at `ref` (the default branch's tip): what the
        /// repository says, not an uncommitted edit in a work tree.
        case repository(String, ref: String)
    }

    public static let fileName = ".coffer-radar.yml"

    /// The config at `root`, nil when there is none; a config that is there but invalid is an error.
    public static func load(from root: Root) throws -> RadarConfig? {
        switch root {
        case .directory(let path):
            let file = URL(fileURLWithPath: path).appendingPathComponent(fileName).path
            guard let data = FileManager.default.contents(atPath: file) else { return nil }
            return try parse(String(decoding: data, as: UTF8.self))
        case .repository(let path, let ref):
            guard let data = GitProcess(repository: path).capture(["show", "\(ref):\(fileName)"]) else { return nil }
            return try parse(String(decoding: data, as: UTF8.self))
        }
    }

    /// The allowlist this config adds to the built-in one.
    func allowlist() throws -> Allowlist {
        var list = Allowlist()
        if extends != "none" { list.paths = try Allowlist.compile(Allowlist.builtInPathPatterns) }
        list.paths += try Allowlist.compile(allow?.paths ?? [])
        list.values = try Allowlist.compile(allow?.values ?? [])
        list.stopwords = allow?.stopwords ?? []
        list.commits = Set(allow?.commits ?? [])
        list.fingerprints = Set(allow?.fingerprints ?? [])
        for custom in rules ?? [] {
            if let paths = custom.allow?.paths { list.rulePaths[custom.id] = try Allowlist.compile(paths) }
            if let values = custom.allow?.values { list.ruleValues[custom.id] = try Allowlist.compile(values) }
        }
        return list
    }

    /// Built-in rules (unless `extends: none`) plus custom rules, minus disabled ones.
    func ruleSet(enable extraEnabled: Set<String>, disable extraDisabled: Set<String>) throws -> [Rule] {
        let disabled = Set(disableRules ?? []).union(extraDisabled)
        let enabled = Set(enableRules ?? []).union(extraEnabled)
        var rules = extends == "none" ? [] : RuleCatalog.builtIn
        for custom in rules_ {
            guard !custom.keywords.isEmpty else { throw RadarError.invalidConfig("custom rule \(custom.id) has no keywords") }
            let regex: NSRegularExpression
            do { regex = try NSRegularExpression(pattern: custom.pattern) } catch {
                throw RadarError.invalidConfig("custom rule \(custom.id) has an invalid pattern")
            }
            rules.append(
                Rule(
                    id: custom.id, family: .custom, description: custom.description ?? custom.id,
                    severity: custom.severity ?? .high, keywords: custom.keywords.map { $0.lowercased() },
                    matcher: RegexLineMatcher(regex: regex, entropyMin: custom.entropyMin)))
        }
        return rules.filter { rule in
            !disabled.contains(rule.id)
                && (rule.enabledByDefault || enabled.contains(rule.id) || rule.family == .highEntropy || rule.family == .circleci)
        }
    }

    private var rules_: [CustomRule] { rules ?? [] }
}

/// Runs a user regex over the line of a keyword hit; the first capture group (or the match) is the secret.
///
/// `@unchecked Sendable`: the regex is immutable and thread-safe for matching.
struct RegexLineMatcher: SecretMatcher, @unchecked Sendable {
    let regex: NSRegularExpression
    let entropyMin: Double?

    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {
        let start = input.lineStart(hit.lowerBound, limit: 1024)
        let end = input.lineEnd(hit.upperBound, limit: 1024)
        guard start >= output.scannedUpTo else { return }
        output.scannedUpTo = end
        let line = input.string(start..<end)
        for match in regex.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
            let captured = match.numberOfRanges > 1 && match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range
            guard let range = Range(captured, in: line) else { continue }
            let prefixBytes = line[..<range.lowerBound].utf8.count
            let valueBytes = line[range].utf8.count
            let bytes = Array(line[range].utf8)
            if let entropyMin, Entropy.shannon(bytes) < entropyMin { continue }
            // Lenient decoding may have changed byte counts on invalid UTF-8; never report outside the text.
            guard start + prefixBytes + valueBytes <= end else { continue }
            output.spans.append(MatchedSpan(range: (start + prefixBytes)..<(start + prefixBytes + valueBytes)))
        }
    }
}
