import Foundation
import Testing

@testable import CofferRadar

/// Baselines (spec §8): a round trip through the file accepts every known finding, a new one
/// stays active, entries no longer seen are `resolved`, and another key is an error.
@Suite struct BaselineTests {
    static let first = Samples.githubToken(seed: 40)
    static let second = Samples.githubToken(seed: 41)

    func scan(_ text: String, key: RadarHashKey = ScanHarness.key) throws -> ScanReport {
        var options = ScanHarness.options()
        options.hashKey = key
        return try RadarScanner(options: options).scan(.bytes(label: "app/settings.env", content: Array(text.utf8)))
    }

    @Test func aRoundTripAcceptsKnownFindingsAndFlagsNewOnes() throws {
        let before = try scan("A=\(Self.first)\n")
        let file = Baseline.create(from: before, status: .migrated, addedBy: "ci", now: ScanHarness.now).encoded()
        let baseline = try Baseline.decode(file)
        #expect(baseline.entries.count == 1 && baseline.keyID == ScanHarness.key.keyID)
        // Moved down a line and joined by a new secret: the old one is still known.
        let after = try baseline.apply(to: try scan("# moved\nA=\(Self.first)\nB=\(Self.second)\n"))
        #expect(after.findings.count == 2)
        #expect(after.activeFindings.count == 1)
        #expect(after.findings.contains { $0.baselineStatus == "migrated" })
        #expect(ExitStatus.code(for: after) == ExitStatus.findings)
        let cleaned = try baseline.apply(to: try scan("nothing here\n"))
        #expect(cleaned.resolvedBaselineEntries.count == 1)
        #expect(ExitStatus.code(for: cleaned) == ExitStatus.clean)
    }

    @Test func theFileHoldsNoValueAndSortsItsKeys() throws {
        let report = try scan("A=\(Self.first)\nB=\(Self.second)\n")
        let text = String(decoding: Baseline.create(from: report, addedBy: "ci", now: ScanHarness.now).encoded(), as: UTF8.self)
        let leaked = text.contains(Self.first) || text.contains(Self.second)
        #expect(!leaked)
        #expect(text.contains("\"key_id\"") && text.contains("\"schema\": \"coffer-radar-baseline/v1\""))
        #expect(text.split(separator: "\n").filter { $0.contains("\"rule_id\"") }.count == 2)  // one entry per line
    }

    @Test func anotherKeyOrABrokenFileIsAConfigurationError() throws {
        let baseline = Baseline.create(from: try scan("A=\(Self.first)\n"), addedBy: "ci", now: ScanHarness.now)
        #expect(throws: RadarError.invalidConfig("")) { try baseline.apply(to: try scan("A=\(Self.first)\n", key: .random())) }
        #expect(throws: RadarError.invalidConfig("")) { try Baseline.decode(Data("{\"entries\": 3}".utf8)) }
        #expect(ExitStatus.code(for: RadarError.invalidConfig("x")) == ExitStatus.usage)
    }
}
