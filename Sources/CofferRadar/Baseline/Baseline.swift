import Foundation

/// A baseline file: findings accepted once, so CI fails only on new ones (spec §8).
public struct Baseline: Sendable {
    /// Key id of the hash key the entries were made with; a mismatch is an error, not "all new".
    public var keyID: String
    public var entries: [BaselineEntry]

    public init(keyID: String, entries: [BaselineEntry]) {
        self.keyID = keyID
        self.entries = entries
    }

    /// A baseline accepting every unsuppressed finding of `report`.
    public static func create(
        from report: ScanReport, status: BaselineEntry.Status = .acceptedRisk,
        addedBy: String, now: Date = Date()
    ) -> Baseline {
        let stamp = ISO8601DateFormatter().string(from: now)
        let entries = report.findings.filter { !$0.suppressed }.map { finding in
            BaselineEntry(
                ruleID: finding.ruleID, valueHash: finding.valueHash, path: finding.path,
                line: finding.locations.first?.startLine ?? 0, commit: finding.firstCommit,
                status: status, addedBy: addedBy, addedAt: stamp)
        }
        return Baseline(
            keyID: report.keyID, entries: entries.sorted { ($0.ruleID, $0.valueHash, $0.path) < ($1.ruleID, $1.valueHash, $1.path) })
    }

    /// Stable JSON: sorted keys, one entry per line, so diffs review well.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let lines = entries.compactMap { try? encoder.encode($0) }.map { "    " + String(decoding: $0, as: UTF8.self) }
        let keyIDJSON = (try? encoder.encode(keyID)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        var text = "{\n  \"entries\": [\n" + lines.joined(separator: ",\n")
        text += (lines.isEmpty ? "" : "\n") + "  ],\n  \"key_id\": \(keyIDJSON),\n  \"schema\": \"coffer-radar-baseline/v1\"\n}\n"
        return Data(text.utf8)
    }

    /// Parses a baseline file; unreadable content is a configuration error (exit 2).
    public static func decode(_ data: Data) throws -> Baseline {
        struct File: Decodable {
            let entries: [BaselineEntry]
            let keyID: String
            enum CodingKeys: String, CodingKey {
                case entries
                case keyID = "key_id"
            }
        }
        do {
            let file = try JSONDecoder().decode(File.self, from: data)
            return Baseline(keyID: file.keyID, entries: file.entries)
        } catch {
            throw RadarError.invalidConfig("cannot read baseline file")
        }
    }

    /// Marks findings the baseline accepts and lists entries no longer seen as resolved.
    public func apply(to report: ScanReport) throws -> ScanReport {
        guard keyID == report.keyID else {
            throw RadarError.invalidConfig("baseline was made with a different hash key (key id mismatch)")
        }
        var byIdentity: [String: BaselineEntry] = [:]
        for entry in entries { byIdentity[entry.ruleID + "\u{0}" + entry.valueHash] = entry }
        var seen = Set<String>()
        var updated = report
        for index in updated.findings.indices {
            let identity = updated.findings[index].ruleID + "\u{0}" + updated.findings[index].valueHash
            if let entry = byIdentity[identity] {
                updated.findings[index].baselineStatus = entry.status.rawValue
                seen.insert(identity)
            }
        }
        updated.resolvedBaselineEntries = entries.filter { !seen.contains($0.ruleID + "\u{0}" + $0.valueHash) }
        return updated
    }
}
