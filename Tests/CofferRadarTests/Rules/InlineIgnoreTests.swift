import Testing

@testable import CofferRadar

/// Inline ignore markers (spec §7): suppressed findings are listed with their reason, never dropped.
@Suite struct InlineIgnoreTests {
    static func token() -> String {
        var random = SampleRandom(seed: 99)
        return ChecksummedToken.make(prefix: "gh" + "p_", random: random.alnum(30))
    }

    @Test func sameLineMarkerSuppressesWithReason() throws {
        let text = "token = \"\(Self.token())\" # coffer:allow reason=\"test fixture\"\n"
        let findings = try ScanHarness.scan(text)
        let finding = try #require(findings.first)
        #expect(finding.suppressed)
        #expect(finding.suppressionReason == "test fixture")
        #expect(!finding.isActive)
    }

    @Test func nextLineMarkerSuppressesOnlyTheNextLine() throws {
        let text = "// coffer:allow-next-line\ntoken = \"\(Self.token())\"\n"
        let findings = try ScanHarness.scan(text)
        #expect(findings.count == 1)
        #expect(findings.first?.suppressed == true)
        let markerAlone = "x = 1 // coffer:allow-next-line\n"
        #expect(try ScanHarness.scan(markerAlone + "y = 2\n" + "token = \"\(Self.token())\"\n").first?.suppressed == false)
    }

    @Test func foreignMarkersAreHonouredUnlessDisabled() throws {
        let gitleaks = "token = \"\(Self.token())\" # gitleaks:allow\n"
        let pragma = "token = \"\(Self.token())\"  # pragma: allowlist secret\n"
        #expect(try ScanHarness.scan(gitleaks).first?.suppressed == true)
        #expect(try ScanHarness.scan(pragma).first?.suppressed == true)
        let strict = try ScanHarness.scan(gitleaks) { $0.foreignMarkers = false }
        #expect(strict.first?.suppressed == false)
    }

    @Test func auditingModeIgnoresEveryMarker() throws {
        let text = "token = \"\(Self.token())\" # coffer:allow\n"
        let findings = try ScanHarness.scan(text) { $0.inlineIgnores = false }
        #expect(findings.first?.suppressed == false)
    }
}
