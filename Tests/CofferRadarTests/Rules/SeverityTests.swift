import Testing

@testable import CofferRadar

/// Severity and ranking (spec §10) and validator soft failures (spec §3).
@Suite struct SeverityTests {
    @Test func stripeTestKeysAreLow() throws {
        var random = SampleRandom(seed: 1)
        let live = try ScanHarness.scan("k = \"sk_" + "live_\(random.alnum(24))\"\n")
        let test = try ScanHarness.scan("k = \"sk_" + "test_\(random.alnum(24))\"\n")
        #expect(live.first?.severity == .high)
        #expect(test.first?.severity == .low)
        #expect(test.first?.tags.contains("test-key") == true)
    }

    @Test func awsKeyIDAloneIsLowAndPairedWithItsSecretIsOneHighFinding() throws {
        var random = SampleRandom(seed: 2)
        let keyID = "AK" + "IA" + random.string(SampleRandom.upperBase32, 16)
        let alone = try ScanHarness.scan("id = \(keyID)\n")
        #expect(alone.map(\.ruleID) == ["aws-access-key-id"])
        #expect(alone.first?.severity == .low)
        let secret = random.string(SampleRandom.base64, 38) + "Z9"
        let pair = try ScanHarness.scan("aws_access_key_id = \(keyID)\naws_secret_access_key = \(secret)\n")
        #expect(pair.map(\.ruleID) == ["aws-secret-access-key"])
        #expect(pair.first?.severity == .high)
        #expect(pair.first?.tags.contains { $0.hasPrefix("paired-with:AKIA") } == true)
    }

    @Test func temporaryAwsKeyIDsAreInfo() throws {
        var random = SampleRandom(seed: 3)
        let findings = try ScanHarness.scan("id = AS" + "IA\(random.string(SampleRandom.upperBase32, 16))\n")
        #expect(findings.first?.severity == .info)
    }

    @Test func expiredAndUnsignedJWTsAreInfo() throws {
        var random = SampleRandom(seed: 4)
        let expired = RuleSamples.jwt("{\"sub\":\"a\",\"exp\":1000}", random: &random)
        let unsigned = RuleSamples.jwt("{\"sub\":\"a\"}", alg: "none", random: &random)
        let live = RuleSamples.jwt("{\"sub\":\"a\",\"exp\":4102444800}", random: &random)
        #expect(try ScanHarness.scan("t=\(expired)\n").first?.severity == .info)
        #expect(try ScanHarness.scan("t=\(unsigned)\n").first?.severity == .info)
        #expect(try ScanHarness.scan("t=\(live)\n").first?.severity == .medium)
    }

    @Test func circleCIOIDCTokensAreLowUnlessUnexpired() throws {
        var random = SampleRandom(seed: 5)
        let noExpiry = RuleSamples.jwt("{\"iss\":\"https://oidc.circleci.com/org/abc\"}", random: &random)
        let unexpired = RuleSamples.jwt("{\"iss\":\"https://oidc.circleci.com/org/abc\",\"exp\":4102444800}", random: &random)
        #expect(try ScanHarness.scan("t=\(noExpiry)\n").first?.severity == .low)
        #expect(try ScanHarness.scan("t=\(unexpired)\n").first?.severity == .medium)
    }

    @Test func encryptedPrivateKeysAreMedium() throws {
        var random = SampleRandom(seed: 6)
        let encrypted = RuleSamples.pem("ENCRYPTED PRIV" + "ATE KEY", random: &random)
        #expect(try ScanHarness.scan(encrypted).first?.severity == .medium)
    }

    @Test func testAndDocsPathsAreOneLevelDown() throws {
        var random = SampleRandom(seed: 7)
        let text = "token = \"\(ChecksummedToken.make(prefix: "gh" + "p_", random: random.alnum(30)))\"\n"
        let normal = try ScanHarness.scan(text, path: "src/app.js")
        let fixture = try ScanHarness.scan(text, path: "tests/fixtures/app.js")
        let docs = try ScanHarness.scan(text, path: "README.md")
        #expect(normal.first?.severity == .high)
        #expect(fixture.first?.severity == .medium)
        #expect(fixture.first?.tags.contains("test-or-example-file") == true)
        #expect(docs.first?.severity == .medium)
    }

    @Test func lowerNeverGoesBelowLowAndInfoStaysInfo() {
        #expect(Severity.low.lowered() == .low)
        #expect(Severity.info.lowered() == .info)
        #expect(Severity.critical.lowered() == .high)
    }
}
