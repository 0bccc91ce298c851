import Foundation

/// Turns a secret into the form that may be shown (spec §13, redaction).
public enum RedactionMode: String, Sendable, Codable {
    /// Rule prefix plus the last four characters when that shows at most 25% of the value.
    case partial
    /// `REDACTED`.
    case full
    /// The value itself: local triage only; refused with SARIF.
    case none
}

/// Applies a `RedactionMode` with a rule's public prefixes.
struct Redactor: Sendable {
    let mode: RedactionMode

    /// The shown form of `value` found by `rule`.
    func redact(_ value: [UInt8], rule: Rule) -> String {
        let text = String(decoding: value, as: UTF8.self)
        switch mode {
        case .none:
            return text
        case .full:
            return "REDACTED"
        case .partial:
            let prefix = rule.publicPrefixes.first(where: { text.hasPrefix($0) }) ?? ""
            let characters = Array(text)
            // The last four match CircleCI's masked display; show them only when little is revealed.
            if characters.count >= 16 && (prefix.count + 4) * 4 <= characters.count {
                return prefix + "…" + String(characters.suffix(4))
            }
            if !prefix.isEmpty && prefix.count * 4 <= characters.count { return prefix + "…" }
            return "…"
        }
    }

    /// `line` with `span` (byte offsets within the line) replaced by the redacted value, trimmed to 200 bytes.
    func snippet(line: [UInt8], span: Range<Int>, redacted: String) -> String {
        let lower = min(max(0, span.lowerBound), line.count)
        let upper = min(max(lower, span.upperBound), line.count)
        var before = Array(line[..<lower])
        var after = Array(line[upper...])
        if before.count > 80 { before = Array(before.suffix(80)) }
        if after.count > 80 { after = Array(after.prefix(80)) }
        let text = String(decoding: before, as: UTF8.self) + redacted + String(decoding: after, as: UTF8.self)
        return text.trimmingCharacters(in: .whitespaces)
    }
}
