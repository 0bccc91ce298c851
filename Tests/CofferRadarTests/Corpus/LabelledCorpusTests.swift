import Foundation
import Testing

@testable import CofferRadar

/// Precision and recall on the labelled corpus in tests/radar-corpus (spec §17): true secrets of
/// every family in the places they are usually left, and false-positive bait (placeholders,
/// references, documentation values, public keys, digests, identifiers). Each entry is scanned
/// as its own file, under its path.
@Suite struct LabelledCorpusTests {
    struct Entry: Decodable {
        let label: String
        let family: String
        let rule: String?
        let path: String
        let text: String
        let note: String
    }

    static let entries: [Entry] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../tests/radar-corpus/labelled.jsonl").standardized
        guard let data = FileManager.default.contents(atPath: file.path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONDecoder().decode(Entry.self, from: Data($0.utf8))
        }
    }()

    static func findings(_ entry: Entry) throws -> [Finding] {
        try ScanHarness.scan(CorpusValues.fill(entry.text), path: entry.path)
    }

    @Test func theCorpusIsLoadedWithBothLabels() {
        #expect(Self.entries.filter { $0.label == "secret" }.count >= 30)
        #expect(Self.entries.filter { $0.label == "benign" }.count >= 30)
        #expect(Self.entries.allSatisfy { ["secret", "benign"].contains($0.label) })
        #expect(Self.entries.allSatisfy { !CorpusValues.fill($0.text).contains("@@") })
    }

    /// Recall: every family at least 0.9, each true secret found by the rule it is labelled with.
    @Test func recallPerFamilyIsAtLeastNinetyPercent() throws {
        var found: [String: (hit: Int, total: Int)] = [:]
        var missed: [String] = []
        for entry in Self.entries where entry.label == "secret" {
            let rules = try Self.findings(entry).map(\.ruleID)
            let hit = entry.rule.map(rules.contains) ?? false
            if !hit { missed.append("\(entry.path) (\(entry.rule ?? "?")): found \(rules)") }
            found[entry.family, default: (0, 0)].hit += hit ? 1 : 0
            found[entry.family, default: (0, 0)].total += 1
        }
        for (family, counts) in found.sorted(by: { $0.key < $1.key }) {
            #expect(Double(counts.hit) / Double(counts.total) >= 0.9, "\(family): \(counts.hit)/\(counts.total)")
        }
        #expect(missed.isEmpty, "missed: \(missed)")
    }

    /// Precision: no finding at all on the bait.
    @Test func noFindingOnTheNearMisses() throws {
        var reported: [String] = []
        for entry in Self.entries where entry.label == "benign" {
            let findings = try Self.findings(entry)
            if !findings.isEmpty {
                reported.append("\(entry.path) [\(entry.note)]: \(findings.map { "\($0.ruleID) \($0.redacted)" })")
            }
        }
        #expect(reported.isEmpty, "false positives: \(reported)")
    }

    /// No report of the corpus shows a secret value whole.
    @Test func findingsOnTheCorpusAreRedacted() throws {
        for entry in Self.entries where entry.label == "secret" {
            let (text, values) = CorpusValues.filled(entry.text)
            let findings = try ScanHarness.scan(text, path: entry.path)
            let encoded = String(decoding: try JSONEncoder().encode(findings), as: UTF8.self)
            for value in values where value.count >= 12 {
                #expect(!encoded.contains(value), "\(entry.path) shows a whole value")
            }
        }
    }
}
