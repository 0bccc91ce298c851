import Foundation

/// Values, paths, commits and fingerprints that are never findings (spec §6).
///
/// `@unchecked Sendable`: immutable after init, and `NSRegularExpression` matching is thread-safe.
struct Allowlist: @unchecked Sendable {
    var paths: [NSRegularExpression] = []
    var values: [NSRegularExpression] = []
    var stopwords: [String] = []
    var commits: Set<String> = []
    var fingerprints: Set<String> = []
    /// A custom rule's own `allow:` block, by rule id.
    var rulePaths: [String: [NSRegularExpression]] = [:]
    var ruleValues: [String: [NSRegularExpression]] = [:]

    /// The built-in global path allowlist (media, fonts, archives, lock files, bundles, vendored code).
    static let builtInPathPatterns = [
        "\\.(png|jpe?g|gif|bmp|ico|webp|tiff?|pdf|zip|gz|tgz|bz2|xz|7z|rar|jar|war|class|so|dylib|dll|exe|bin|o|a|woff2?|ttf|otf|eot|mp3|mp4|mov|avi|wav|flac|psd|sqlite|db)$",
        "(^|/)(package-lock\\.json|go\\.sum|Package\\.resolved|pnpm-lock\\.yaml|npm-shrinkwrap\\.json)$",
        "\\.lock$", "\\.min\\.js$", "(^|/)\\.git/", "(^|/)vendor/", "(^|/)node_modules/",
    ]

    /// Compiles regex patterns; an invalid one is a configuration error (exit code 2).
    static func compile(_ patterns: [String]) throws -> [NSRegularExpression] {
        try patterns.map { pattern in
            do {
                return try NSRegularExpression(pattern: pattern)
            } catch {
                throw RadarError.invalidConfig("invalid regular expression in allowlist")
            }
        }
    }

    /// True when `path` is skipped.
    func allowsPath(_ path: String) -> Bool {
        paths.contains { Self.matches($0, path) }
    }

    /// True when a value (or its hash) is allowlisted.
    func allowsValue(_ value: String, hash: String) -> Bool {
        if fingerprints.contains(hash) { return true }
        if stopwords.contains(where: { value.contains($0) }) { return true }
        return values.contains { Self.matches($0, value) }
    }

    /// True for a listed commit, given in full or abbreviated to at least 7 hex digits.
    func allowsCommit(_ sha: String) -> Bool {
        commits.contains(sha) || commits.contains { $0.count >= 7 && sha.hasPrefix($0.lowercased()) }
    }

    /// True when a custom rule's own allowlist covers this path or value.
    func allowsForRule(_ ruleID: String, path: String, value: String) -> Bool {
        if let paths = rulePaths[ruleID], paths.contains(where: { Self.matches($0, path) }) { return true }
        if let values = ruleValues[ruleID], values.contains(where: { Self.matches($0, value) }) { return true }
        return false
    }

    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
