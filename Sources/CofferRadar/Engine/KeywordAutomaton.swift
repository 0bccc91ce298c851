/// Aho-Corasick automaton over lower-cased keywords, compiled to a dense DFA.
///
/// One table lookup per input byte finds every keyword of every rule at once
/// (spec §15); case folding is baked into the table, so the input is never copied
/// or lower-cased.
struct KeywordAutomaton: Sendable {
    /// Transition table: `states × 256` next-state indices; a state where keywords end is
    /// stored complemented (negative), so the scan loop needs no second lookup per byte.
    private let transitions: [Int32]
    /// For each state, the range of `outputs` that ends at it (own keywords plus fail-chain ones).
    private let outputRanges: [Range<Int32>]
    /// Keyword indices, grouped by state.
    private let outputs: [Int32]
    /// Length of each keyword, to turn an end position into a start.
    let keywordLengths: [Int]

    /// Builds the automaton; keywords are folded to lower case.
    init(keywords: [String]) {
        let folded = keywords.map { Array($0.lowercased().utf8) }
        keywordLengths = folded.map(\.count)
        var trie: [[UInt8: Int]] = [[:]]
        var own: [[Int]] = [[]]
        for (index, word) in folded.enumerated() where !word.isEmpty {
            var state = 0
            for byte in word {
                if let next = trie[state][byte] {
                    state = next
                } else {
                    trie.append([:])
                    own.append([])
                    trie[state][byte] = trie.count - 1
                    state = trie.count - 1
                }
            }
            own[state].append(index)
        }
        let count = trie.count
        var table = [Int32](repeating: 0, count: count * 256)
        var fail = [Int](repeating: 0, count: count)
        var merged = own
        var queue: [Int] = []
        for byte in 0..<256 {
            if let next = trie[0][UInt8(byte)] {
                table[byte] = Int32(next)
                queue.append(next)
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            merged[state] += merged[fail[state]].filter { !merged[state].contains($0) }
            for byte in 0..<256 {
                if let next = trie[state][UInt8(byte)] {
                    fail[next] = Int(table[fail[state] * 256 + byte])
                    table[state * 256 + byte] = Int32(next)
                    queue.append(next)
                } else {
                    table[state * 256 + byte] = table[fail[state] * 256 + byte]
                }
            }
        }
        // Fold upper case onto lower case so matching is case-insensitive for ASCII.
        for state in 0..<count {
            for upper in UInt8(ascii: "A")...UInt8(ascii: "Z") {
                table[state * 256 + Int(upper)] = table[state * 256 + Int(upper + 32)]
            }
        }
        var flat: [Int32] = []
        var ranges: [Range<Int32>] = []
        for state in 0..<count {
            let start = Int32(flat.count)
            flat += merged[state].map { Int32($0) }
            ranges.append(start..<Int32(flat.count))
        }
        for index in table.indices where !ranges[Int(table[index])].isEmpty { table[index] = ~table[index] }
        transitions = table
        outputRanges = ranges
        outputs = flat
    }

    /// Calls `onHit(keywordIndex, endIndex)` for every keyword occurrence in `text`.
    ///
    /// The hot loop of every scan: one table load per byte, with the state in a register
    /// (a flagged entry is rare, and only then are the outputs read).
    func forEachHit(in text: UnsafeBufferPointer<UInt8>, _ onHit: (Int, Int) -> Void) {
        guard let bytes = text.baseAddress else { return }
        let count = text.count
        transitions.withUnsafeBufferPointer { table in
            guard let next = table.baseAddress else { return }
            var state: Int32 = 0
            var index = 0
            while index < count {
                let entry = next[Int(state) &<< 8 | Int(bytes[index])]
                index &+= 1
                if entry >= 0 {
                    state = entry
                    continue
                }
                state = ~entry
                reportHits(at: Int(state), end: index, onHit)
            }
        }
    }

    /// The keywords ending at `state`, for a match ending at `end`.
    @inline(never)
    private func reportHits(at state: Int, end: Int, _ onHit: (Int, Int) -> Void) {
        for slot in outputRanges[state] { onHit(Int(outputs[Int(slot)]), end) }
    }
}
