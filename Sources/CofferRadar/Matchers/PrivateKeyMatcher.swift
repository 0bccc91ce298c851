/// Finds PEM private key blocks (`-----BEGIN … PRIVATE KEY-----` … `-----END …-----`).
///
/// Triggered by `private key`; walks back to the `-----BEGIN` on the same line and forward
/// to the matching END within 64 KiB. Handles JSON-escaped `\n` bodies (service account
/// files). Public keys and certificates never trigger it.
struct PrivateKeyMatcher: SecretMatcher {
    static let begin = Array("-----BEGIN ".utf8)
    static let end = Array("-----END ".utf8)
    static let dashes = Array("-----".utf8)
    static let maxBlock = 64 * 1024

    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {
        guard hit.lowerBound >= output.scannedUpTo, let start = findBegin(input, before: hit.lowerBound) else { return }
        // The header closes with five dashes after `PRIVATE KEY` or `PRIVATE KEY BLOCK`.
        guard let headerEnd = find(Self.dashes, in: input, from: hit.upperBound, limit: 16) else { return }
        let header = input.string(start..<(headerEnd + 5))
        guard let endStart = find(Self.end, in: input, from: headerEnd + 5, limit: Self.maxBlock),
            let endClose = find(Self.dashes, in: input, from: endStart + Self.end.count, limit: 64)
        else { return }
        let blockEnd = endClose + 5
        output.scannedUpTo = blockEnd
        let body = Array(input.text[(headerEnd + 5)..<endStart])
        guard let facts = judge(body: body, header: header) else { return }
        output.spans.append(MatchedSpan(range: start..<blockEnd, severity: facts.severity, tags: facts.tags))
    }

    /// Severity and tags for a block body, or nil when the body is a placeholder or too short.
    private func judge(body: [UInt8], header: String) -> (severity: Severity?, tags: [String])? {
        let text = String(decoding: body, as: UTF8.self)
        var payload = 0
        for line in text.replacingOccurrences(of: "\\n", with: "\n").split(whereSeparator: \.isNewline) {
            if line.contains(":") { continue }  // Proc-Type / DEK-Info headers
            payload += line.utf8.filter { ByteClass([.base64, .equals]).contains(byte: $0) }.count
        }
        let lowered = text.lowercased()
        if payload < 64 || text.contains("...") || text.contains("<") || lowered.contains("xxxxxxxx") { return nil }
        if header.contains("ENCRYPTED") || text.contains("Proc-Type: 4,ENCRYPTED") {
            return (.medium, ["encrypted"])
        }
        return (nil, [])
    }

    private func findBegin(_ input: MatchInput, before index: Int) -> Int? {
        var cursor = index - Self.begin.count
        let floor = max(0, index - 48)
        while cursor >= floor {
            if input.hasBytes(Self.begin, at: cursor) { return cursor }
            cursor -= 1
        }
        return nil
    }

    private func find(_ needle: [UInt8], in input: MatchInput, from: Int, limit: Int) -> Int? {
        let last = min(input.text.count - needle.count, from + limit)
        guard from <= last else { return nil }
        for index in from...last where input.text[index] == needle[0] && input.hasBytes(needle, at: index) {
            return index
        }
        return nil
    }
}
