/// Computes a finding's severity and ranking tags from its facts (spec §10, steps 1, 3, 4, 5).
///
/// Correlation with Coffer (step 2) and activeness (step 6) happen outside the scanner
/// and are applied on top by whoever holds those answers.
enum SeverityPolicy {
    /// Path components that mark test, example or documentation files.
    static let testComponents: Set<String> = [
        "test", "tests", "spec", "specs", "fixtures", "fixture", "testdata", "examples", "example", "docs", "doc",
        "__tests__", "__fixtures__",
    ]

    /// The ranked severity and added tags for a finding with base severity `base`.
    static func rank(base: Severity, inHead: Bool, path: String) -> (Severity, [String]) {
        var severity = base
        var tags: [String] = []
        if !inHead {
            severity = severity.lowered()
            tags.append("history-only")
        }
        if isTestOrExample(path) {
            severity = severity.lowered()
            tags.append("test-or-example-file")
        }
        return (severity, tags)
    }

    /// True for `tests/…`, `…/fixtures/…`, `docs/…`, `*.md` and the like.
    static func isTestOrExample(_ path: String) -> Bool {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".md") { return true }
        let components = lowered.split(separator: "/").dropLast()
        return components.contains { testComponents.contains(String($0)) }
    }
}
