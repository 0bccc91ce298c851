/// A unit of text handed to the detectors, with what is needed to build its locations (spec §1).
struct Fragment {
    var bytes: [UInt8]
    var path: String
    var traits: FragmentTraits
    /// Source line number (1-based) of each line of `bytes`; nil means consecutive from `firstLine`.
    var lineNumbers: [Int]? = nil
    var firstLine = 1
    /// Column of the first byte (YAML scalars start mid-line).
    var firstColumn = 1
    /// Column of the first byte of every later line (a YAML block scalar's indentation + 1).
    var continuationColumn = 1
    var commit: CommitInfo? = nil
    var change: FindingLocation.Change = .present
    var yamlPath: String? = nil
    var migration: MigrationHint? = nil
    /// The physical lines of the original file, when `bytes` is an extract (a YAML scalar).
    var sourceLines: SourceLines? = nil

    /// The 1-based source line of buffer line `index` (0-based).
    func sourceLine(_ index: Int) -> Int {
        if let lineNumbers { return index < lineNumbers.count ? lineNumbers[index] : (lineNumbers.last ?? 0) + 1 }
        return firstLine + index
    }
}

/// Commit facts attached to git fragments.
struct CommitInfo: Sendable, Hashable {
    let sha: String
    let author: String
    let email: String
    /// ISO 8601 author date.
    let date: String
    /// Author time in seconds since the epoch, for ordering.
    let timestamp: Int
}

/// The physical lines of a file, for inline-ignore markers and snippets of extracted fragments.
struct SourceLines: Sendable {
    let bytes: [UInt8]
    /// Byte offset of each line start.
    let starts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == 0x0A { starts.append(index + 1) }
        self.starts = starts
    }

    /// Line `number` (1-based) without its line break, or nil when out of range.
    func line(_ number: Int) -> [UInt8]? {
        guard number >= 1, number <= starts.count else { return nil }
        let start = starts[number - 1]
        var end = number < starts.count ? starts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return Array(bytes[start..<max(start, end)])
    }
}
