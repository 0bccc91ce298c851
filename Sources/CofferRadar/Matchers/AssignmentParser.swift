/// Reads `key <op> value` around a keyword hit: the key, the operator and a quoted or bare value.
///
/// Understands `=`, `:`, `:=`, `=>`, `->`, `?=`, YAML/JSON keys (`"key": "v"`) and a typed
/// declaration (`let token: String = "v"`). Comparisons (`==`, `!=`) are not assignments.
struct AssignmentParser {
    /// A parsed assignment: byte ranges in the input.
    struct Assignment {
        let key: Range<Int>
        let value: Range<Int>
        let quoted: Bool
        /// True when a bare value is immediately followed by `(`: a function call, not a literal.
        let isCall: Bool
    }

    static let keyClass: ByteClass = [.word, .dash, .dot]
    static let quotes: Set<UInt8> = [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`")]
    static let bareStops: Set<UInt8> = Set(" \t\r\n,;()[]{}<>\"'`".utf8)

    let input: MatchInput

    /// The key containing `hit`, extended over identifier bytes.
    func keyRange(around hit: Range<Int>) -> Range<Int> {
        var start = hit.lowerBound
        while start > 0, hit.lowerBound - start < 64, Self.keyClass.contains(byte: input.text[start - 1]) { start -= 1 }
        var end = hit.upperBound
        while end < input.text.count, end - hit.upperBound < 64, Self.keyClass.contains(byte: input.text[end]) { end += 1 }
        return start..<end
    }

    /// Parses the assignment whose key contains `hit`; `separator` is `.operator` or `.whitespace` (netrc).
    func parse(hit: Range<Int>, whitespaceSeparated: Bool = false) -> Assignment? {
        let key = keyRange(around: hit)
        var index = key.upperBound
        if index < input.text.count, Self.quotes.contains(input.text[index]) { index += 1 }
        index = skipBlanks(from: index)
        if whitespaceSeparated {
            guard index > key.upperBound else { return nil }
        } else {
            guard let afterOperator = skipOperator(at: index) else { return nil }
            index = skipBlanks(from: afterOperator)
        }
        guard let value = readValue(at: index) else { return nil }
        // `let token: String = "…"`: the bare word after `:` is a type; the value follows `=`.
        if !value.quoted, !whitespaceSeparated {
            let next = skipBlanks(from: value.range.upperBound)
            if next < input.text.count, input.text[next] == UInt8(ascii: "="),
                next + 1 < input.text.count, input.text[next + 1] != UInt8(ascii: "="),
                let typed = readValue(at: skipBlanks(from: next + 1))
            {
                return Assignment(key: key, value: typed.range, quoted: typed.quoted, isCall: typed.isCall)
            }
        }
        return Assignment(key: key, value: value.range, quoted: value.quoted, isCall: value.isCall)
    }

    private func skipBlanks(from start: Int) -> Int {
        var index = start
        while index < input.text.count, input.text[index] == 0x20 || input.text[index] == 0x09 { index += 1 }
        return index
    }

    /// The index after an assignment operator at `index`, or nil.
    private func skipOperator(at index: Int) -> Int? {
        guard index < input.text.count else { return nil }
        let first = input.text[index]
        let second: UInt8 = index + 1 < input.text.count ? input.text[index + 1] : 0
        switch (first, second) {
        case (UInt8(ascii: ":"), UInt8(ascii: "=")), (UInt8(ascii: "="), UInt8(ascii: ">")),
            (UInt8(ascii: "-"), UInt8(ascii: ">")), (UInt8(ascii: "?"), UInt8(ascii: "=")):
            return index + 2
        case (UInt8(ascii: "="), UInt8(ascii: "=")), (UInt8(ascii: ":"), UInt8(ascii: ":")):
            return nil
        case (UInt8(ascii: "="), _), (UInt8(ascii: ":"), _):
            return index + 1
        default:
            return nil
        }
    }

    private func readValue(at start: Int) -> (range: Range<Int>, quoted: Bool, isCall: Bool)? {
        guard start < input.text.count else { return nil }
        let first = input.text[start]
        if Self.quotes.contains(first) {
            var end = start + 1
            let limit = min(input.text.count, start + 1024)
            while end < limit, input.text[end] != first, input.text[end] != 0x0A { end += 1 }
            guard end < limit, input.text[end] == first, end > start + 1 else { return nil }
            return ((start + 1)..<end, true, false)
        }
        var end = start
        let limit = min(input.text.count, start + 1024)
        while end < limit, !Self.bareStops.contains(input.text[end]) { end += 1 }
        guard end > start else { return nil }
        let isCall = end < input.text.count && input.text[end] == UInt8(ascii: "(")
        return (start..<end, false, isCall)
    }
}
