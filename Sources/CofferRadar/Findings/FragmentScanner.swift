import Foundation

/// Runs the engine over a fragment and turns candidates into located occurrences.
///
/// Line numbers are found by one forward walk over the bytes (candidates are sorted),
/// so locating is linear in the fragment, whatever the number of findings.
struct FragmentScanner: Sendable {
    let engine: DetectionEngine
    let inlineIgnore: InlineIgnore
    let redactor: Redactor

    func occurrences(in fragment: Fragment) -> [Occurrence] {
        occurrences(of: engine.scan(fragment.bytes, traits: fragment.traits), in: fragment)
    }

    /// Locates `candidates` (sorted by start) in `fragment`.
    func occurrences(of candidates: [Candidate], in fragment: Fragment) -> [Occurrence] {
        guard !candidates.isEmpty else { return [] }
        var results: [Occurrence] = []
        var lineIndex = 0
        var lineStart = 0
        var previousLineStart: Int? = nil
        var cursor = 0
        let bytes = fragment.bytes
        for candidate in candidates {
            let range = candidate.span.range
            while cursor < range.lowerBound {
                if bytes[cursor] == 0x0A {
                    previousLineStart = lineStart
                    lineIndex += 1
                    lineStart = cursor + 1
                }
                cursor += 1
            }
            let line = lineBytes(bytes, from: lineStart)
            let previous = previousLineStart.map { lineBytes(bytes, from: $0) }
            let value = Array(bytes[range])
            let rule = engine.rules[candidate.ruleIndex]
            let redacted = redactor.redact(value, rule: rule)
            let newlines = value.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            let lastBreak = value.lastIndex(of: 0x0A)
            let startColumn = range.lowerBound - lineStart + (lineIndex == 0 ? fragment.firstColumn : fragment.continuationColumn)
            let endColumn = lastBreak.map { value.count - $0 } ?? (startColumn + value.count)
            let sourceLine = fragment.sourceLine(lineIndex)
            var location = FindingLocation(
                path: fragment.path, startLine: sourceLine, startColumn: startColumn,
                endLine: fragment.sourceLine(lineIndex + newlines), endColumn: endColumn,
                commit: fragment.commit?.sha, author: fragment.commit?.author, email: fragment.commit?.email,
                date: fragment.commit?.date, yamlPath: fragment.yamlPath, change: fragment.change)
            let physical = fragment.sourceLines?.line(sourceLine) ?? line
            let physicalPrevious = fragment.sourceLines.map { $0.line(sourceLine - 1) } ?? previous
            if fragment.sourceLines == nil {
                location.snippet = snippet(bytes, range: range, lineStart: lineStart, redacted: redacted)
            } else {
                location.snippet = physicalSnippet(physical, value: value, redacted: redacted)
            }
            let paired = candidate.span.pairedRange.map { Array(bytes[$0]) }
            results.append(
                Occurrence(
                    ruleIndex: candidate.ruleIndex, value: value, pairedValue: paired, span: candidate.span,
                    location: location, suppression: inlineIgnore.reason(line: physical, previous: physicalPrevious),
                    migration: fragment.migration))
        }
        return results
    }

    /// Up to 80 bytes either side of the secret on its line, the secret replaced by `redacted`.
    private func snippet(_ bytes: [UInt8], range: Range<Int>, lineStart: Int, redacted: String) -> String {
        let from = max(lineStart, range.lowerBound - 80)
        var to = range.upperBound
        while to < min(bytes.count, range.upperBound + 80), bytes[to] != 0x0A, bytes[to] != 0x0D { to += 1 }
        let line = Array(bytes[from..<to])
        let offset = range.lowerBound - from
        return redactor.snippet(line: line, span: offset..<(offset + range.count), redacted: redacted)
    }

    /// The physical line of an extracted value; dropped when the value cannot be located in it,
    /// so an escaped or folded secret never leaks through the snippet.
    private func physicalSnippet(_ line: [UInt8], value: [UInt8], redacted: String) -> String {
        guard let start = Self.firstIndex(of: value, in: line) else { return "" }
        let text = redactor.snippet(line: line, span: start..<(start + value.count), redacted: redacted)
        return text.contains(String(decoding: value, as: UTF8.self)) ? "" : text
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }

    /// The line starting at `start`, capped at 4 KiB so a 5 MB line does not get copied per finding.
    private func lineBytes(_ bytes: [UInt8], from start: Int) -> [UInt8] {
        var end = start
        let limit = min(bytes.count, start + 4096)
        while end < limit, bytes[end] != 0x0A { end += 1 }
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return Array(bytes[start..<end])
    }
}
