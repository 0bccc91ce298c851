import Testing

@testable import CofferRadar

/// Every rule's positive samples are found and its near misses are not (spec §3, §17).
@Suite struct RuleSampleTests {
    @Test(arguments: RuleSamples.ids)
    func positivesAreFoundRedacted(ruleID: String) throws {
        let sample = try #require(RuleSamples.sample(ruleID))
        #expect(sample.positives.count >= 2)
        for (index, positive) in sample.positives.enumerated() {
            let findings = try ScanHarness.scan(positive.text, path: positive.path)
            let ids = findings.map(\.ruleID)
            #expect(ids.contains(ruleID), "positive #\(index) of \(ruleID) found only \(ids)")
            for finding in findings {
                // The redacted form never spans the whole value: at most a prefix and four characters.
                #expect(finding.redacted.contains("…") || finding.redacted == "REDACTED")
                for location in finding.locations {
                    #expect(!location.snippet.isEmpty || location.yamlPath != nil)
                }
            }
        }
    }

    @Test(arguments: RuleSamples.ids)
    func nearMissesAreNotFound(ruleID: String) throws {
        let sample = try #require(RuleSamples.sample(ruleID))
        #expect(sample.negatives.count >= 2)
        for (index, negative) in sample.negatives.enumerated() {
            let ids = try ScanHarness.ruleIDs(negative.text, path: negative.path)
            #expect(!ids.contains(ruleID), "negative #\(index) of \(ruleID) was reported")
        }
    }

    @Test func everyBuiltInRuleHasSamplesOrIsSourceProduced() {
        let sampled = Set(RuleSamples.ids)
        let exempt: Set<String> = ["circleci-inline-credential", "sentry-org-token", "square-access-token", "teams-webhook-url"]
        let missing = RuleCatalog.builtIn.map(\.id).filter { !sampled.contains($0) && !exempt.contains($0) }
        #expect(missing.isEmpty, "rules without samples: \(missing)")
    }

    @Test func ruleIDsAreUniqueAndKebabCase() {
        let ids = RuleCatalog.builtIn.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { id in id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" } })
    }
}
