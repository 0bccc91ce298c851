import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The parts of a modified file worth scanning (spec §2.2, §15): on each side, the lines that
/// occur nowhere on the other side, widened by a few lines of context and merged into windows.
///
/// Most commits change a few lines of a file, and some change its top and bottom at once (a
/// licence header and a trailing edit); scanning whole blobs made a history scan read seven
/// times the bytes of the patches. A line present on both sides holds no secret the change adds
/// or removes, so skipping it changes no attribution. Lines are compared by a 64-bit hash,
/// after trimming the common prefix and suffix, and never aligned: a moved line counts as kept,
/// like a moved secret. The context keeps what detectors look at around a changed line: keyword
/// windows (±5 lines for an AWS secret), `allow-next-line` markers, and a PEM block that
/// reaches into unchanged lines (widened to its BEGIN and END lines).
struct ChangedLines {
    /// Lines of context either side of a changed line.
    static let contextLines = 5
    /// How far a PEM block's other marker is looked for.
    static let blockReach = 16 * 1024

    /// Sorted, disjoint byte ranges of the old and the new blob, each starting at a line start.
    var old: [Range<Int>] = []
    var new: [Range<Int>] = []

    init(old: [UInt8], new: [UInt8]) {
        let shorter = min(old.count, new.count)
        let prefix = Self.commonPrefix(old, new, limit: shorter)
        let suffix = Self.commonSuffix(old, new, limit: shorter - prefix)
        let oldMiddle = Self.middle(old, prefix: prefix, suffix: suffix)
        let newMiddle = Self.middle(new, prefix: prefix, suffix: suffix)
        let oldLines = Self.lineHashes(old, oldMiddle)
        let newLines = Self.lineHashes(new, newMiddle)
        self.old = Self.windows(old, lines: oldLines, absentFrom: LineHashSet(newLines))
        self.new = Self.windows(new, lines: newLines, absentFrom: LineHashSet(oldLines))
    }

    /// Whole lines covering the bytes between the common prefix and suffix; empty when none differ.
    static func middle(_ bytes: [UInt8], prefix: Int, suffix: Int) -> Range<Int> {
        let end = bytes.count - suffix
        guard end > prefix else { return prefix..<prefix }
        return lineStart(bytes, before: prefix, extraLines: 0)..<lineEnd(bytes, after: end - 1, extraLines: 0)
    }

    /// Each line of `range` (its bytes without the `\n`) and its hash.
    static func lineHashes(_ bytes: [UInt8], _ range: Range<Int>) -> [(range: Range<Int>, hash: UInt64)] {
        guard !range.isEmpty else { return [] }
        return bytes.withUnsafeBytes { raw -> [(range: Range<Int>, hash: UInt64)] in
            guard let base = raw.baseAddress else { return [] }
            var lines: [(range: Range<Int>, hash: UInt64)] = []
            var start = range.lowerBound
            while start < range.upperBound {
                let end =
                    memchr(base + start, 0x0A, range.upperBound - start).map { base.distance(to: UnsafeRawPointer($0)) }
                    ?? range.upperBound
                lines.append((start..<end, hash(raw, start..<end)))
                start = end + 1
            }
            return lines
        }
    }

    /// A 64-bit hash of a line, eight bytes at a time (a multiply-xorshift mix).
    static func hash(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt64 {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(range.count)
        var index = range.lowerBound
        func mix(_ word: UInt64) {
            state = (state ^ word) &* 0xBF58_476D_1CE4_E5B9
            state ^= state >> 31
        }
        while index + 8 <= range.upperBound {
            mix(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < range.upperBound {
            tail |= UInt64(raw[index]) << shift
            shift += 8
            index += 1
        }
        mix(tail)
        state = (state ^ (state >> 27)) &* 0x94D0_49BB_1331_11EB
        return state ^ (state >> 31)
    }

    /// The lines absent from the other side, each widened by the context (counted on the line
    /// list, scanning bytes only past its ends), merged, then widened to any open PEM block.
    static func windows(_ bytes: [UInt8], lines: [(range: Range<Int>, hash: UInt64)], absentFrom other: LineHashSet) -> [Range<Int>] {
        var spans: [ClosedRange<Int>] = []  // line indices, context included, possibly past either end
        for (index, line) in lines.enumerated() where !other.contains(line.hash) {
            let span = (index - contextLines)...(index + contextLines)
            if let last = spans.last, span.lowerBound <= last.upperBound + 1 {
                spans[spans.count - 1] = last.lowerBound...span.upperBound
            } else {
                spans.append(span)
            }
        }
        guard let firstLine = lines.first, let lastLine = lines.last else { return [] }
        var windows: [Range<Int>] = []
        for span in spans {
            var start =
                span.lowerBound >= 0
                ? lines[span.lowerBound].range.lowerBound
                : lineStart(bytes, before: firstLine.range.lowerBound, extraLines: -span.lowerBound)
            var end =
                span.upperBound < lines.count
                ? min(bytes.count, lines[span.upperBound].range.upperBound + 1)
                : lineEnd(bytes, after: lastLine.range.lowerBound, extraLines: span.upperBound - (lines.count - 1))
            start = openBlockStart(bytes, before: start)
            end = openBlockEnd(bytes, after: end)
            if let last = windows.last, start <= last.upperBound {
                windows[windows.count - 1] = last.lowerBound..<max(last.upperBound, end)
            } else {
                windows.append(start..<end)
            }
        }
        return windows
    }

    /// An open-addressing set of line hashes: the hashes are already mixed, so they index the
    /// table directly (`Set` would hash them again).
    struct LineHashSet {
        private var slots: [UInt64]
        private let mask: Int

        init(_ lines: [(range: Range<Int>, hash: UInt64)]) {
            var capacity = 16
            while capacity < lines.count * 2 { capacity <<= 1 }
            slots = [UInt64](repeating: 0, count: capacity)
            mask = capacity - 1
            for line in lines { insert(line.hash) }
        }

        /// 0 marks an empty slot, so a hash of 0 is stored as 1.
        private static func key(_ hash: UInt64) -> UInt64 { hash == 0 ? 1 : hash }

        private mutating func insert(_ hash: UInt64) {
            let key = Self.key(hash)
            var slot = Int(truncatingIfNeeded: key) & mask
            while slots[slot] != 0 {
                if slots[slot] == key { return }
                slot = (slot + 1) & mask
            }
            slots[slot] = key
        }

        func contains(_ hash: UInt64) -> Bool {
            let key = Self.key(hash)
            var slot = Int(truncatingIfNeeded: key) & mask
            while slots[slot] != 0 {
                if slots[slot] == key { return true }
                slot = (slot + 1) & mask
            }
            return false
        }
    }

    /// Length of the common prefix, eight bytes at a time.
    static func commonPrefix(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                var index = 0
                while index + 8 <= limit,
                    left.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        == right.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                {
                    index += 8
                }
                while index < limit, left[index] == right[index] { index += 1 }
                return index
            }
        }
    }

    /// Length of the common suffix, at most `limit` bytes (so it never overlaps the prefix).
    static func commonSuffix(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                var length = 0
                let leftEnd = left.count
                let rightEnd = right.count
                while length + 8 <= limit,
                    left.loadUnaligned(fromByteOffset: leftEnd - length - 8, as: UInt64.self)
                        == right.loadUnaligned(fromByteOffset: rightEnd - length - 8, as: UInt64.self)
                {
                    length += 8
                }
                while length < limit, left[leftEnd - length - 1] == right[rightEnd - length - 1] { length += 1 }
                return length
            }
        }
    }

    /// The start of the line holding byte `offset`, moved back `extraLines` lines.
    static func lineStart(_ bytes: [UInt8], before offset: Int, extraLines: Int) -> Int {
        var index = min(offset, bytes.count)
        var breaks = 0
        while index > 0 {
            if bytes[index - 1] == 0x0A {
                if breaks == extraLines { return index }
                breaks += 1
            }
            index -= 1
        }
        return 0
    }

    /// The end (after its `\n`) of the line holding byte `offset`, moved on `extraLines` lines.
    static func lineEnd(_ bytes: [UInt8], after offset: Int, extraLines: Int) -> Int {
        var index = max(0, offset)
        var breaks = 0
        while index < bytes.count {
            if bytes[index] == 0x0A {
                if breaks == extraLines { return index + 1 }
                breaks += 1
            }
            index += 1
        }
        return bytes.count
    }

    /// `start`, or the start of a PEM block open there (a BEGIN line before it with no END
    /// between), so a key whose middle changed is matched whole. Looked for only when the line
    /// at `start` could be inside a block: base64 or a PEM header.
    static func openBlockStart(_ bytes: [UInt8], before start: Int) -> Int {
        guard mayBeInsideBlock(bytes, lineAt: start) else { return start }
        let from = max(0, start - blockReach)
        guard let begin = lastIndex(of: beginMarker, in: bytes, from..<start) else { return start }
        if lastIndex(of: endMarker, in: bytes, begin..<start) != nil { return start }
        return lineStart(bytes, before: begin, extraLines: 1)
    }

    /// `end`, or the end of a PEM block open there (an END line after it with no BEGIN between).
    static func openBlockEnd(_ bytes: [UInt8], after end: Int) -> Int {
        guard end > 0, mayBeInsideBlock(bytes, lineAt: lineStart(bytes, before: end - 1, extraLines: 0)) else { return end }
        let to = min(bytes.count, end + blockReach)
        guard let close = firstIndex(of: endMarker, in: bytes, end..<to) else { return end }
        if firstIndex(of: beginMarker, in: bytes, end..<close) != nil { return end }
        return lineEnd(bytes, after: close, extraLines: 0)
    }

    /// True when the line starting at `start` could be inside a PEM block: after any indent or
    /// quote, a run of at least 16 base64 characters (a body line) or a PEM header. Only a trigger
    /// for looking further; a false yes costs a search, never a finding.
    static func mayBeInsideBlock(_ bytes: [UInt8], lineAt start: Int) -> Bool {
        var index = start
        while index < bytes.count, [0x20, 0x09, 0x22, 0x27].contains(bytes[index]) { index += 1 }
        let textStart = index
        while index < bytes.count {
            let byte = bytes[index]
            let base64 =
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2B || byte == 0x2F || byte == 0x3D
            guard base64 else { break }
            index += 1
        }
        if index - textStart >= 16 { return true }
        return headerPrefixes.contains { bytes[textStart...].starts(with: $0) }
    }

    static let headerPrefixes = ["Proc-Type:", "DEK-Info:", "Comment:"].map { Array($0.utf8) }
    static let beginMarker = Array("-----BEGIN ".utf8)
    static let endMarker = Array("-----END ".utf8)

    /// `memchr` for the first byte, `memcmp` for the rest (glibc's `memmem` is a GNU extension
    /// Swift does not import).
    static func firstIndex(of needle: [UInt8], in bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard let first = needle.first, range.count >= needle.count else { return nil }
        return bytes.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { pattern in
                guard let base = haystack.baseAddress, let patternBase = pattern.baseAddress else { return nil }
                var cursor = range.lowerBound
                let last = range.upperBound - needle.count
                while cursor <= last {
                    guard let found = memchr(base + cursor, Int32(first), last - cursor + 1) else { return nil }
                    let index = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(base + index, patternBase, needle.count) == 0 { return index }
                    cursor = index + 1
                }
                return nil
            }
        }
    }

    static func lastIndex(of needle: [UInt8], in bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var last: Int? = nil
        var from = range.lowerBound
        while let found = firstIndex(of: needle, in: bytes, from..<range.upperBound) {
            last = found
            from = found + 1
        }
        return last
    }

    /// True when `needle` occurs anywhere in `bytes`.
    static func contains(_ needle: [UInt8], in bytes: [UInt8]) -> Bool {
        firstIndex(of: needle, in: bytes, 0..<bytes.count) != nil
    }

    /// Line breaks in `bytes[from..<end]`, by `memchr` hops.
    static func newlines(_ bytes: [UInt8], from start: Int, upTo end: Int) -> Int {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, start < end else { return 0 }
            var count = 0
            var cursor = base + start
            let limit = base + end
            while cursor < limit, let found = memchr(cursor, 0x0A, cursor.distance(to: limit)) {
                count += 1
                cursor = UnsafeRawPointer(found) + 1
            }
            return count
        }
    }
}
