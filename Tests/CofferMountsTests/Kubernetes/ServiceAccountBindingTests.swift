import Testing

@testable import CofferMounts

/// `bound_service_account_names` and `_namespaces` globs, as go-secure-stdlib's
/// `GlobbedStringsMatch` matches them: `*` only at either end.
@Suite struct ServiceAccountBindingTests {
    @Test(
        "each pattern matches exactly what OpenBao's glob matches",
        arguments: [
            ("ci", "ci", true), ("ci", "ci2", false), ("ci-*", "ci-prod", true), ("ci-*", "ci-", true),
            ("ci-*", "cd-prod", false), ("*-runner", "circleci-runner", true), ("*-runner", "runner", false),
            ("*ci*", "my-ci-ns", true), ("*ci*", "prod", false), ("**", "anything", true),
            // A `*` inside a pattern is a literal character.
            ("c*i", "cxi", false), ("c*i", "c*i", true),
            // A one-character pattern must equal the value, `*` included.
            ("*", "ci", false), ("*", "*", true), ("c", "c", true), ("", "", true), ("", "ci", false),
        ])
    func pattern(_ pattern: String, _ value: String, _ expected: Bool) {
        #expect(ServiceAccountBinding.matches(pattern, value) == expected)
    }

    @Test("a list of just `*` allows every value, the empty one included")
    func wildcardList() {
        #expect(ServiceAccountBinding.allows(["*"], "anything"))
        #expect(ServiceAccountBinding.allows(["*"], ""))
        #expect(!ServiceAccountBinding.allows([], "ci"))
        #expect(ServiceAccountBinding.allows(["prod", "ci-*"], "ci-7"))
    }

    @Test("hostile values are compared, never trusted", arguments: ["../ci", "ci\u{0}", String(repeating: "c", count: 100_000), "ci\n"])
    func hostile(_ value: String) {
        #expect(!ServiceAccountBinding.allows(["ci"], value))
    }
}
