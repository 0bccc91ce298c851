/// Finds prefix-less tokens (40-char AWS secrets, legacy tokens) only near a keyword.
///
/// Such shapes are too common to report alone; the keyword hit opens a window of
/// `lineRadius` lines, and every maximal run of `runClass` in it is checked.
struct KeywordGatedMatcher: SecretMatcher {
    let runClass: ByteClass
    let length: ClosedRange<Int>
    let lineRadius: Int
    /// Extra test on the run's bytes (charset mix, literal prefix).
    let accepts: @Sendable ([UInt8]) -> Bool
    var minEntropy: Double = 3.0
    /// When set, a token of this shape in the window is reported as the paired component.
    var pairWith: PrefixedTokenMatcher? = nil

    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {
        let window = input.lineWindow(around: hit.lowerBound, lines: lineRadius)
        // A later hit inside an already-read window only needs the new tail.
        let from = max(window.lowerBound, output.scannedUpTo)
        guard from < window.upperBound else { return }
        output.scannedUpTo = window.upperBound
        var index = from
        while index < window.upperBound {
            guard runClass.contains(byte: input.text[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < input.text.count, runClass.contains(byte: input.text[end]) { end += 1 }
            let run = Array(input.text[index..<end])
            if length.contains(run.count), input.isLeftBoundary(index, continuing: runClass),
                Entropy.shannon(run) >= minEntropy, accepts(run),
                !PlaceholderFilter.rejectsToken(String(decoding: run, as: UTF8.self))
            {
                var span = MatchedSpan(range: index..<end)
                span.pairedRange = pairedComponent(input, window: window)
                output.spans.append(span)
            }
            index = end
        }
    }

    /// The first token of the paired shape in the window (an AWS key id next to its secret).
    private func pairedComponent(_ input: MatchInput, window: Range<Int>) -> Range<Int>? {
        guard let pairWith else { return nil }
        let prefixes = pairWith.variants.map(\.prefix)
        for index in window {
            for prefix in prefixes where input.hasBytes(prefix, at: index) {
                var probe = MatchOutput()
                pairWith.match(input, hit: index..<(index + prefix.count), into: &probe)
                if let found = probe.spans.first { return found.range }
            }
        }
        return nil
    }
}

extension KeywordGatedMatcher {
    /// True when the bytes mix upper case, lower case and digits (random base64, not prose).
    static func isMixed(_ bytes: [UInt8]) -> Bool {
        bytes.contains { ByteClass.upper.contains(byte: $0) }
            && bytes.contains { ByteClass.lower.contains(byte: $0) }
            && bytes.contains { ByteClass.digit.contains(byte: $0) }
    }
}
