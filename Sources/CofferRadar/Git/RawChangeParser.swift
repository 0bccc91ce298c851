/// One file changed by one commit, from `git log --raw`: the blobs before and after.
struct BlobChange: Sendable {
    /// The commit, or nil for the index (`--staged`) and dangling objects (`--unreachable`).
    var commit: CommitInfo?
    /// Blob id before the change; nil when the file was added (or is a submodule).
    var oldBlob: String?
    /// Blob id after the change; nil when the file was deleted (or is a submodule).
    var newBlob: String?
    var path: String
    /// A blob seen on its own (a dangling one): its secrets are reported as present, not added.
    var standalone = false
}

/// A state machine over `git log --raw --no-renames` output lines that emits `BlobChange`s.
///
/// Only tree diffs are asked of git (no content diffs, which cost git more CPU than the whole
/// scan); the scanner reads each distinct blob once and compares the secrets in the blobs before
/// and after instead of comparing lines.
struct RawChangeParser {
    /// Separator between commit header fields (`%x1f`).
    static let fieldSeparator: UInt8 = 0x1F
    /// First byte of a commit header line (`%x01`).
    static let commitMarker: UInt8 = 0x01

    private(set) var commitCount = 0
    /// Every commit whose header went by, so a failed walk can resume with the others.
    private(set) var seenCommits = Set<String>()
    private var commit: CommitInfo? = nil

    /// Feeds one line; returns the change it describes, if any.
    mutating func feed(_ line: ArraySlice<UInt8>) -> BlobChange? {
        guard let first = line.first else { return nil }
        if first == Self.commitMarker {
            let parsed = Self.parseCommit(line)
            // `--all-parents` repeats a merge's header once per parent.
            if seenCommits.insert(parsed.sha).inserted { commitCount += 1 }
            commit = parsed
            return nil
        }
        guard first == UInt8(ascii: ":"), let commit else { return nil }
        return Self.change(line, commit: commit)
    }

    /// `:100644 100644 <old> <new> M\tpath`; gitlinks (mode 160000) have no blob to read.
    static func change(_ line: ArraySlice<UInt8>, commit: CommitInfo?) -> BlobChange? {
        guard let tab = line.firstIndex(of: 0x09) else { return nil }
        let fields = line[line.startIndex..<tab].split(separator: 0x20)
        guard fields.count >= 5 else { return nil }
        func blob(mode: ArraySlice<UInt8>, id: ArraySlice<UInt8>) -> String? {
            let gitlink = mode.elementsEqual("160000".utf8) || mode.elementsEqual(":160000".utf8)
            guard !gitlink, id.contains(where: { $0 != UInt8(ascii: "0") }) else { return nil }
            return String(decoding: id, as: UTF8.self)
        }
        let path = unquote(line[(tab + 1)...])
        return BlobChange(
            commit: commit, oldBlob: blob(mode: fields[0], id: fields[2]), newBlob: blob(mode: fields[1], id: fields[3]),
            path: path)
    }

    /// Git quotes paths with control characters, quotes or backslashes as C strings with octal escapes.
    static func unquote(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") else {
            return String(decoding: bytes, as: UTF8.self)
        }
        let inner = Array(bytes.dropFirst().dropLast())
        var out: [UInt8] = []
        var index = 0
        while index < inner.count {
            let byte = inner[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < inner.count else {
                out.append(byte)
                continue
            }
            let escaped = inner[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(escaped - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, index < inner.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(inner[index]) {
                    value = value * 8 + Int(inner[index] - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                out.append(UInt8(truncatingIfNeeded: value))
            default: out.append(escaped)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `%x01%H%x1f%an%x1f%ae%x1f%aI%x1f%at`.
    static func parseCommit(_ line: ArraySlice<UInt8>) -> CommitInfo {
        let fields = line.dropFirst().split(separator: fieldSeparator, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        func field(_ index: Int) -> String { index < fields.count ? fields[index] : "" }
        return CommitInfo(
            sha: field(0), author: field(1), email: field(2), date: field(3),
            timestamp: Int(field(4)) ?? 0)
    }
}
