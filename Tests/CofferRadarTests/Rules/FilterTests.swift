import Testing

@testable import CofferRadar

/// Reference and placeholder filters (spec §5) and entropy rules (spec §4).
@Suite struct FilterTests {
    @Test(arguments: [
        "$DB_PASSWORD", "${DB_PASSWORD}", "${{ secrets.TOKEN }}", "%DB_PASSWORD%", "$(cat /run/secret)",
        "<< pipeline.parameters.token >>", "{{ vault_token }}", "%(password)s", "#{token}",
        "ENV['TOKEN']", "os.environ['TOKEN']", "process.env.TOKEN", "getenv(\"TOKEN\")",
    ])
    func referencesAreNotSecrets(value: String) {
        #expect(PlaceholderFilter.isReference(value))
        #expect(PlaceholderFilter.rejects(value))
    }

    @Test(arguments: [
        "example-token-123", "YOUR_API_KEY_HERE", "changeme", "<secret>", "xxxxxxxxxxxx", "********",
        "redacted", "TODO", "null", "password", "secret", "test", "xxxx1a2b", "•••••", "dummy_value",
    ])
    func placeholdersAreNotSecrets(value: String) {
        #expect(PlaceholderFilter.rejects(value))
    }

    @Test func documentationValuesAreNotSecrets() throws {
        let awsDocKey = "AKIAIOSFODNN7" + "EXAMPLE"
        #expect(try ScanHarness.ruleIDs("key = \(awsDocKey)\n").isEmpty)
    }

    @Test func placeholderValuesAreDroppedForGenericAssignments() throws {
        for value in ["${API_KEY}", "<your-api-key>", "changeme", "xxxxxxxxxxxxxxxxxxxxxx", "%(api_key)s"] {
            #expect(try ScanHarness.ruleIDs("api_key = \"\(value)\"\n").isEmpty)
        }
    }

    @Test func shannonEntropyMatchesTheFormula() {
        #expect(Entropy.shannon(Array("aaaa".utf8)) == 0)
        #expect(abs(Entropy.shannon(Array("abcd".utf8)) - 2.0) < 1e-9)
        #expect(abs(Entropy.shannon(Array("aabb".utf8)) - 1.0) < 1e-9)
    }

    @Test func entropyThresholdsDependOnCharsetAndKeyContext() {
        var random = SampleRandom(seed: 3)
        let hex32 = Array(random.hex(32).utf8)
        let hex20 = Array(random.hex(20).utf8)
        #expect(Entropy.passes(hex32, keyContext: false))
        #expect(!Entropy.passes(hex20, keyContext: false))
        #expect(Entropy.passes(hex20, keyContext: true))
        let base64 = Array(random.string(SampleRandom.base64, 40).utf8)
        #expect(Entropy.passes(base64, keyContext: false))
        let other = Array("Tr0ub4dor&3-horse!".utf8)
        #expect(!Entropy.passes(other, keyContext: false))
        #expect(Entropy.passes(other, keyContext: true))
    }

    @Test(arguments: [
        "aaaaaaaaaaaaaaaa", "ab" + "ababababababab", "xx111111yy22", "abcdef98765zz", "qwerty12345678",
        "someVariableName", "snake_case_identifier", "1.2.3-beta.4", "/usr/local/bin/tool",
        "https://host.internal/path", "123e4567-e89b-12d3-a456-426614174000",
    ])
    func nonRandomValuesAreRejected(value: String) {
        #expect(RandomnessHeuristics.rejects(Array(value.utf8), keyName: "password"))
    }

    @Test func uuidIsASecretUnderATokenKey() {
        let uuid = Array("123e4567-e89b-12d3-a456-426614174000".utf8)
        #expect(RandomnessHeuristics.rejects(uuid, keyName: "request_id_value"))
        #expect(!RandomnessHeuristics.rejects(uuid, keyName: "api_token"))
    }

    @Test func commitIdsUnderShaKeysAreNotSecrets() throws {
        var random = SampleRandom(seed: 5)
        #expect(try ScanHarness.ruleIDs("secret_commit_sha = \"\(random.hex(40))\"\n").isEmpty)
    }
}
