import Foundation

/// A hand-written detector run at the position of one of its rule's keyword hits.
///
/// Matchers look only at a bounded window around the hit, so a pathological input
/// (a 5 MB line full of keywords) stays linear in practice.
protocol SecretMatcher: Sendable {
    /// Appends any secret found for the keyword occurrence `hit` (byte range of the keyword).
    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput)
}

/// A matcher that reads the whole fragment instead of keyword hits (high-entropy strings).
protocol WholeFragmentMatcher: Sendable {
    func matchAll(_ input: MatchInput, into output: inout MatchOutput)
}

/// Where a matcher puts its spans; `scannedUpTo` lets window matchers skip bytes they already read.
struct MatchOutput {
    var spans: [MatchedSpan] = []
    /// Per-rule cursor kept by the engine across hits in one fragment.
    var scannedUpTo: Int = 0
}

/// The bytes being scanned and what is known about them.
struct MatchInput {
    let text: UnsafeBufferPointer<UInt8>
    let traits: FragmentTraits
    /// The instant expiry is judged against (JWT `exp`); injected so tests are deterministic.
    let now: Date

    /// Start of the line containing `index`, looking back at most `limit` bytes.
    func lineStart(_ index: Int, limit: Int = 4096) -> Int {
        var cursor = min(index, text.count)
        let floor = max(0, index - limit)
        while cursor > floor, text[cursor - 1] != 0x0A { cursor -= 1 }
        return cursor
    }

    /// End of the line containing `index` (exclusive, before `\r\n`), looking ahead at most `limit` bytes.
    func lineEnd(_ index: Int, limit: Int = 4096) -> Int {
        var cursor = max(0, index)
        let ceiling = min(text.count, index + limit)
        while cursor < ceiling, text[cursor] != 0x0A { cursor += 1 }
        if cursor > 0, cursor <= text.count, cursor - 1 >= index, text[cursor - 1] == 0x0D { cursor -= 1 }
        return cursor
    }

    /// The byte range covering `lines` lines either side of `index`, capped in bytes.
    func lineWindow(around index: Int, lines: Int, byteLimit: Int = 4096) -> Range<Int> {
        var start = lineStart(index, limit: byteLimit)
        for _ in 0..<lines where start > 0 {
            start = lineStart(start - 1, limit: byteLimit)
        }
        var end = lineEnd(index, limit: byteLimit)
        for _ in 0..<lines where end < text.count {
            var next = end
            while next < text.count, text[next] == 0x0D || text[next] == 0x0A { next += 1 }
            if next >= text.count { break }
            end = lineEnd(next, limit: byteLimit)
        }
        return start..<max(start, end)
    }

    /// True when the byte before `index` does not continue a word (start of text counts).
    func isLeftBoundary(_ index: Int, continuing cls: ByteClass = .alnum) -> Bool {
        index == 0 || !cls.contains(byte: text[index - 1])
    }

    /// The bytes of `range` as a string (lenient UTF-8), for validators and filters.
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)
    }

    /// True when the bytes at `index` equal `literal` exactly (case-sensitive).
    func hasBytes(_ literal: [UInt8], at index: Int) -> Bool {
        guard index >= 0, index + literal.count <= text.count else { return false }
        for offset in 0..<literal.count where text[index + offset] != literal[offset] { return false }
        return true
    }
}
