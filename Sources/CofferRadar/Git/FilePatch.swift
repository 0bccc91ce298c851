/// The added and removed lines of one file in one commit's `-U0` patch.
struct FilePatch: Sendable {
    var commit: CommitInfo
    var oldPath: String? = nil
    var newPath: String? = nil
    /// `index <old>..<new>` blob ids, the dedupe key (spec §2.2).
    var blobPair: String? = nil
    var isBinary = false
    var added: [UInt8] = []
    var addedLines: [Int] = []
    var removed: [UInt8] = []
    var removedLines: [Int] = []

    /// The path findings are reported under: the new path, or the old one for deletions.
    var path: String { newPath ?? oldPath ?? "" }

    mutating func appendAdded(_ line: ArraySlice<UInt8>, number: Int) {
        if !addedLines.isEmpty { added.append(0x0A) }
        added += line
        addedLines.append(number)
    }

    mutating func appendRemoved(_ line: ArraySlice<UInt8>, number: Int) {
        if !removedLines.isEmpty { removed.append(0x0A) }
        removed += line
        removedLines.append(number)
    }
}
