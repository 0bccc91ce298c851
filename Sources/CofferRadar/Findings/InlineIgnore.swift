/// Inline ignore markers of spec §7, matched as plain substrings of the physical line.
struct InlineIgnore: Sendable {
    /// `--no-inline-ignores` turns every marker off (auditing mode).
    var enabled = true
    /// `gitleaks:allow` and `pragma: allowlist secret` unless `--no-foreign-markers`.
    var foreignMarkers = true

    /// The suppression reason for a finding on `line` (whose previous line is `previous`), or nil.
    func reason(line: [UInt8], previous: [UInt8]?) -> String? {
        guard enabled else { return nil }
        let text = String(decoding: line, as: UTF8.self)
        if let range = text.range(of: "coffer:allow") {
            let rest = text[range.upperBound...]
            if !rest.hasPrefix("-next-line") { return Self.reasonText(in: rest) ?? "inline coffer:allow" }
        }
        if foreignMarkers {
            if text.contains("gitleaks:allow") { return "inline gitleaks:allow" }
            if text.contains("pragma: allowlist secret") { return "inline pragma: allowlist secret" }
        }
        guard let previous else { return nil }
        let above = String(decoding: previous, as: UTF8.self)
        if let range = above.range(of: "coffer:allow-next-line") {
            return Self.reasonText(in: above[range.upperBound...]) ?? "inline coffer:allow-next-line"
        }
        if foreignMarkers, above.contains("pragma: allowlist nextline secret") {
            return "inline pragma: allowlist nextline secret"
        }
        return nil
    }

    /// The `reason="…"` text following a marker.
    static func reasonText(in rest: Substring) -> String? {
        guard let start = rest.range(of: "reason=\"") else { return nil }
        let tail = rest[start.upperBound...]
        guard let end = tail.firstIndex(of: "\"") else { return nil }
        return String(tail[..<end])
    }
}
