/// Line-level edits of a text file, rendered as a unified diff for a person to review.
///
/// Edits never overlap in practice (one secret per span); spans on one line are applied
/// right to left so earlier columns stay valid.
struct LineEdits {
    private let lines: [String]
    private var deleted = Set<Int>()
    /// 1-based line -> byte spans (1-based start column, length) and their replacements.
    private var replacements: [Int: [(column: Int, length: Int, text: String)]] = [:]
    /// Lines inserted before a 1-based line.
    private var insertions: [Int: [String]] = [:]
    /// Spans shown masked in a review diff (the secrets on removed lines).
    private var masks: [Int: [(column: Int, length: Int, text: String)]] = [:]

    init(_ text: String) {
        var split = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if split.last == "" { split.removeLast() }
        lines = split
    }

    var lineCount: Int { lines.count }

    func line(_ number: Int) -> String? { number >= 1 && number <= lines.count ? lines[number - 1] : nil }

    mutating func delete(line number: Int) { deleted.insert(number) }

    mutating func replace(line number: Int, column: Int, length: Int, with text: String) {
        replacements[number, default: []].append((column, length, text))
    }

    mutating func insert(_ newLines: [String], before number: Int) { insertions[number, default: []] += newLines }

    /// In `unifiedDiff(masked: true)`, shows `text` instead of the span of the original line.
    mutating func mask(line number: Int, column: Int, length: Int, with text: String) {
        masks[number, default: []].append((column, length, text))
    }

    /// The original line with its masked spans replaced.
    private func masked(_ number: Int) -> String {
        guard var bytes = line(number).map({ Array($0.utf8) }) else { return "" }
        for span in (masks[number] ?? []).sorted(by: { $0.column > $1.column }) {
            let start = span.column - 1
            guard start >= 0, span.length >= 0, start + span.length <= bytes.count else { continue }
            bytes.replaceSubrange(start..<(start + span.length), with: Array(span.text.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The line after its span replacements; nil when a span does not fit the line.
    private func edited(_ number: Int) -> String? {
        guard var bytes = line(number).map({ Array($0.utf8) }) else { return nil }
        for span in (replacements[number] ?? []).sorted(by: { $0.column > $1.column }) {
            let start = span.column - 1
            guard start >= 0, span.length >= 0, start + span.length <= bytes.count else { return nil }
            bytes.replaceSubrange(start..<(start + span.length), with: Array(span.text.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The whole file after the edits.
    func result() -> String {
        var output: [String] = []
        for number in 1...max(lines.count, 1) where number <= lines.count {
            output += insertions[number] ?? []
            if deleted.contains(number) { continue }
            output.append(edited(number) ?? lines[number - 1])
        }
        return output.joined(separator: "\n") + "\n"
    }

    /// A unified diff (`--- a/path`, `+++ b/path`, hunks with 3 lines of context). With
    /// `masked`, original lines show their masked spans: for reading, not for `git apply`.
    func unifiedDiff(path: String, masked showMasked: Bool = false) -> String {
        enum Op {
            case keep(String)
            case remove(String)
            case add(String)
        }
        var ops: [Op] = []
        for number in 1...max(lines.count, 1) where number <= lines.count {
            for inserted in insertions[number] ?? [] { ops.append(.add(inserted)) }
            let original = lines[number - 1]
            let shown = showMasked ? masked(number) : original
            if deleted.contains(number) {
                ops.append(.remove(shown))
            } else if let changed = edited(number), changed != original {
                ops.append(.remove(shown))
                ops.append(.add(changed))
            } else {
                ops.append(.keep(shown))
            }
        }
        var changedIndices: [Int] = []
        for (index, op) in ops.enumerated() {
            if case .keep = op { continue }
            changedIndices.append(index)
        }
        guard !changedIndices.isEmpty else { return "" }
        // Hunks: changed ops with 3 ops of context, merged when their context touches.
        var ranges: [Range<Int>] = []
        for index in changedIndices {
            let range = max(0, index - 3)..<min(ops.count, index + 4)
            if let last = ranges.last, last.upperBound >= range.lowerBound {
                ranges[ranges.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                ranges.append(range)
            }
        }
        var text = "--- a/\(path)\n+++ b/\(path)\n"
        var oldLine = 1
        var newLine = 1
        var cursor = 0
        for range in ranges {
            while cursor < range.lowerBound {
                switch ops[cursor] {
                case .keep:
                    oldLine += 1
                    newLine += 1
                case .remove: oldLine += 1
                case .add: newLine += 1
                }
                cursor += 1
            }
            var body: [String] = []
            var oldCount = 0
            var newCount = 0
            for op in ops[range] {
                switch op {
                case .keep(let line):
                    body.append(" " + line)
                    oldCount += 1
                    newCount += 1
                case .remove(let line):
                    body.append("-" + line)
                    oldCount += 1
                case .add(let line):
                    body.append("+" + line)
                    newCount += 1
                }
            }
            let oldStart = oldCount == 0 ? oldLine - 1 : oldLine
            let newStart = newCount == 0 ? newLine - 1 : newLine
            text += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n" + body.joined(separator: "\n") + "\n"
            oldLine += oldCount
            newLine += newCount
            cursor = range.upperBound
        }
        return text
    }
}
