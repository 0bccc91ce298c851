/// A state machine over `git log -p -U0` output lines that emits one `FilePatch` per file per commit.
///
/// Hunk headers give line counts, so content lines that look like headers (`--- x`) are never
/// mistaken for them. Commit headers are the `%x01`-prefixed format line.
struct GitPatchParser {
    /// Separator between commit header fields (`%x1f`).
    static let fieldSeparator: UInt8 = 0x1F
    static let commitMarker: UInt8 = 0x01
    // Header prefixes, made once: `feed` runs for every line of a history.
    private static let diffGitPrefix = Array("diff --git ".utf8)
    private static let diffCCPrefix = Array("diff --cc ".utf8)
    private static let indexPrefix = Array("index ".utf8)
    private static let oldFilePrefix = Array("--- ".utf8)
    private static let newFilePrefix = Array("+++ ".utf8)
    private static let binaryPrefix = Array("Binary files ".utf8)
    private static let hunkPrefix = Array("@@ ".utf8)

    private var commit: CommitInfo? = nil
    private var current: FilePatch? = nil
    private var oldLine = 0
    private var newLine = 0
    private var oldRemaining = 0
    private var newRemaining = 0
    private(set) var commitCount = 0
    /// Every commit whose header went by, so a failed walk can resume with the others.
    private(set) var seenCommits = Set<String>()

    /// Feeds one line; returns a finished patch when this line closes one.
    mutating func feed(_ line: ArraySlice<UInt8>) -> FilePatch? {
        if oldRemaining > 0 || newRemaining > 0 {
            if let first = line.first, first == UInt8(ascii: "+"), newRemaining > 0 {
                current?.appendAdded(line.dropFirst(), number: newLine)
                newLine += 1
                newRemaining -= 1
                return nil
            }
            if let first = line.first, first == UInt8(ascii: "-"), oldRemaining > 0 {
                current?.appendRemoved(line.dropFirst(), number: oldLine)
                oldLine += 1
                oldRemaining -= 1
                return nil
            }
            if line.first == UInt8(ascii: "\\") { return nil }  // "\ No newline at end of file"
            oldRemaining = 0
            newRemaining = 0
        }
        if line.first == Self.commitMarker {
            let finished = finish()
            let parsed = Self.parseCommit(line)
            commit = parsed
            commitCount += 1
            seenCommits.insert(parsed.sha)
            return finished
        }
        if line.starts(with: Self.diffGitPrefix) || line.starts(with: Self.diffCCPrefix) {
            let finished = finish()
            if let commit { current = FilePatch(commit: commit) }
            return finished
        }
        guard current != nil else { return nil }
        if line.starts(with: Self.indexPrefix) {
            current?.blobPair = String(decoding: line.dropFirst(6).prefix { $0 != 0x20 }, as: UTF8.self)
        } else if line.starts(with: Self.oldFilePrefix) {
            current?.oldPath = Self.path(line.dropFirst(4))
        } else if line.starts(with: Self.newFilePrefix) {
            current?.newPath = Self.path(line.dropFirst(4))
        } else if line.starts(with: Self.binaryPrefix) {
            current?.isBinary = true
        } else if line.starts(with: Self.hunkPrefix) {
            parseHunkHeader(line)
        }
        return nil
    }

    /// Call after the last line.
    mutating func finish() -> FilePatch? {
        defer { current = nil }
        guard let patch = current, !patch.isBinary, !(patch.addedLines.isEmpty && patch.removedLines.isEmpty) else { return nil }
        return patch
    }

    /// `@@ -a[,b] +c[,d] @@`.
    private mutating func parseHunkHeader(_ line: ArraySlice<UInt8>) {
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: " ")
        guard parts.count >= 3 else { return }
        let old = Self.range(parts[1].dropFirst())
        let new = Self.range(parts[2].dropFirst())
        oldLine = old.start
        oldRemaining = old.count
        newLine = new.start
        newRemaining = new.count
    }

    private static func range(_ text: Substring) -> (start: Int, count: Int) {
        let pieces = text.split(separator: ",", omittingEmptySubsequences: false)
        let start = pieces.first.flatMap { Int($0) } ?? 0
        let count = pieces.count > 1 ? (Int(pieces[1]) ?? 0) : 1
        return (start, count)
    }

    /// `a/path` → `path`; `/dev/null` → nil.
    private static func path(_ bytes: ArraySlice<UInt8>) -> String? {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\t") { text.removeLast() }
        if text == "/dev/null" { return nil }
        if text.hasPrefix("a/") || text.hasPrefix("b/") { text.removeFirst(2) }
        return text
    }

    private static func parseCommit(_ line: ArraySlice<UInt8>) -> CommitInfo {
        let fields = line.dropFirst().split(separator: fieldSeparator, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        func field(_ index: Int) -> String { index < fields.count ? fields[index] : "" }
        return CommitInfo(
            sha: field(0), author: field(1), email: field(2), date: field(3),
            timestamp: Int(field(4)) ?? 0)
    }
}
