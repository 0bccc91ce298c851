import Foundation

/// Runs every enabled rule over a fragment in one pass of the keyword automaton (spec §15).
///
/// Immutable and `Sendable`: build once per scan, share across tasks.
struct DetectionEngine: Sendable {
    let rules: [Rule]
    private let automaton: KeywordAutomaton
    /// Keyword index → rule index.
    private let keywordOwners: [Int]
    /// Rule indices of the whole-fragment (high-entropy) rules with their matchers.
    private let wholeFragment: [(Int, any WholeFragmentMatcher)]
    /// Whole-fragment rules the user enabled by id: they run in every fragment, not only where
    /// the source turns high-entropy detection on (`.env` files, CircleCI scalars).
    private let enabledEverywhere: Set<Int>
    /// The instant JWT expiry is judged against.
    private let now: Date

    init(rules: [Rule], now: Date = Date(), enabledEverywhere ids: Set<String> = []) {
        self.rules = rules
        var keywords: [String] = []
        var owners: [Int] = []
        for (index, rule) in rules.enumerated() {
            for keyword in Set(rule.keywords) {
                keywords.append(keyword)
                owners.append(index)
            }
        }
        automaton = KeywordAutomaton(keywords: keywords)
        keywordOwners = owners
        wholeFragment = rules.enumerated().compactMap { index, rule in
            RuleCatalog.wholeFragmentMatchers[rule.id].map { (index, $0) }
        }
        enabledEverywhere = Set(rules.indices.filter { ids.contains(rules[$0].id) })
        self.now = now
    }

    /// Candidates in `text`, de-duplicated and with overlaps resolved in favour of specific rules.
    func scan(_ text: UnsafeBufferPointer<UInt8>, traits: FragmentTraits) -> [Candidate] {
        let input = MatchInput(text: text, traits: traits, now: now)
        var cursors = [Int](repeating: 0, count: rules.count)
        var found: [Candidate] = []
        automaton.forEachHit(in: text) { keyword, end in
            let ruleIndex = keywordOwners[keyword]
            let hit = (end - automaton.keywordLengths[keyword])..<end
            var output = MatchOutput(spans: [], scannedUpTo: cursors[ruleIndex])
            rules[ruleIndex].matcher.match(input, hit: hit, into: &output)
            cursors[ruleIndex] = output.scannedUpTo
            for span in output.spans { found.append(Candidate(ruleIndex: ruleIndex, span: span)) }
        }
        if traits.highEntropyEnabled || !enabledEverywhere.isEmpty {
            for (ruleIndex, matcher) in wholeFragment where traits.highEntropyEnabled || enabledEverywhere.contains(ruleIndex) {
                var output = MatchOutput()
                matcher.matchAll(input, into: &output)
                for span in output.spans { found.append(Candidate(ruleIndex: ruleIndex, span: span)) }
            }
        }
        return resolve(found)
    }

    /// Convenience for callers holding an array.
    func scan(_ bytes: [UInt8], traits: FragmentTraits) -> [Candidate] {
        bytes.withUnsafeBufferPointer { scan($0, traits: traits) }
    }

    /// Drops duplicates, key ids already paired with their secret, and less specific overlaps.
    private func resolve(_ candidates: [Candidate]) -> [Candidate] {
        guard !candidates.isEmpty else { return [] }
        let paired = Set(candidates.compactMap { $0.span.pairedRange.map { "\($0.lowerBound):\($0.upperBound)" } })
        var seen = Set<String>()
        var unique: [Candidate] = []
        for candidate in candidates {
            let range = candidate.span.range
            let key = "\(candidate.ruleIndex):\(range.lowerBound):\(range.upperBound)"
            guard !range.isEmpty, seen.insert(key).inserted else { continue }
            if rules[candidate.ruleIndex].id == "aws-access-key-id", paired.contains("\(range.lowerBound):\(range.upperBound)") {
                continue
            }
            unique.append(candidate)
        }
        unique.sort { $0.span.range.lowerBound < $1.span.range.lowerBound }
        var kept: [Candidate] = []
        for candidate in unique {
            // Sorted by start and kept disjoint, so only the last kept span can overlap.
            if let last = kept.last, last.span.range.overlaps(candidate.span.range) {
                if outranks(candidate, last) { kept[kept.count - 1] = candidate }
                continue
            }
            kept.append(candidate)
        }
        return kept
    }

    /// More specific family wins; within a family the longer capture wins.
    private func outranks(_ lhs: Candidate, _ rhs: Candidate) -> Bool {
        let left = rules[lhs.ruleIndex].family.specificity
        let right = rules[rhs.ruleIndex].family.specificity
        if left != right { return left > right }
        return lhs.span.range.count > rhs.span.range.count
    }
}
