/// Standalone random-looking strings without key context (spec §3; off by default).
///
/// Runs over the whole fragment where a source turns it on (`.env*` files, CircleCI
/// scalars, env-var values); every maximal run of base64 or hex bytes is judged with
/// the standalone thresholds of spec §4.
struct HighEntropyMatcher: WholeFragmentMatcher {
    enum Flavor: Sendable { case base64, hex }
    let flavor: Flavor

    func matchAll(_ input: MatchInput, into output: inout MatchOutput) {
        // `=` only as trailing padding, so `KEY=value` splits into key and value.
        let runClass: ByteClass = flavor == .hex ? .hex : [.base64, .base64URL]
        var index = 0
        while index < input.text.count {
            guard runClass.contains(byte: input.text[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < input.text.count, runClass.contains(byte: input.text[end]) { end += 1 }
            var padding = 0
            while flavor == .base64, padding < 2, end < input.text.count, input.text[end] == UInt8(ascii: "=") {
                end += 1
                padding += 1
            }
            let run = Array(input.text[index..<end])
            let isHex = Entropy.charset(of: run) == .hex
            if (flavor == .hex) == isHex, run.count <= 1024, Entropy.passes(run, keyContext: false),
                !RandomnessHeuristics.rejects(run, keyName: input.traits.keyName),
                !PlaceholderFilter.rejects(String(decoding: run, as: UTF8.self))
            {
                output.spans.append(MatchedSpan(range: index..<end, keyName: input.traits.keyName))
            }
            index = end
        }
    }
}

/// A matcher that never fires; used by rules produced outside the engine (`circleci-inline-credential`).
struct SourceProducedMatcher: SecretMatcher {
    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {}
}
