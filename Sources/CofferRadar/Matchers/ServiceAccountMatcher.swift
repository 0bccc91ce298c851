/// Google Cloud service account JSON: `"type": "service_account"` with a `"private_key"` string.
///
/// Reports the `private_key` string (escaped PEM), so the finding is the key itself and
/// overrides the plain `private-key` match on the same bytes.
struct ServiceAccountMatcher: SecretMatcher {
    static let keyField = Array("\"private_key\"".utf8)

    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {
        let line = input.string(input.lineStart(hit.lowerBound, limit: 256)..<hit.lowerBound)
        guard line.contains("\"type\""), hit.lowerBound >= output.scannedUpTo else { return }
        let window = max(0, hit.lowerBound - 8192)..<min(input.text.count, hit.upperBound + 8192)
        output.scannedUpTo = window.upperBound
        var index = window.lowerBound
        while index < window.upperBound - Self.keyField.count {
            if input.hasBytes(Self.keyField, at: index), let value = quotedValue(input, after: index + Self.keyField.count) {
                if value.count >= 64 { output.spans.append(MatchedSpan(range: value, keyName: "private_key")) }
                return
            }
            index += 1
        }
    }

    /// The content of the JSON string after `: "`, honouring backslash escapes.
    private func quotedValue(_ input: MatchInput, after index: Int) -> Range<Int>? {
        var cursor = index
        while cursor < input.text.count, input.text[cursor] == 0x20 || input.text[cursor] == UInt8(ascii: ":") { cursor += 1 }
        guard cursor < input.text.count, input.text[cursor] == UInt8(ascii: "\"") else { return nil }
        let start = cursor + 1
        cursor = start
        let limit = min(input.text.count, start + 16384)
        while cursor < limit {
            if input.text[cursor] == UInt8(ascii: "\\") {
                cursor += 2
                continue
            }
            if input.text[cursor] == UInt8(ascii: "\"") { return start..<cursor }
            cursor += 1
        }
        return nil
    }
}
