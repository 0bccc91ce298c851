/// A name pattern as the cert method's `allowed_*` lists take it: `*` stands for
/// any run of characters, and nothing else is special (go-glob, which OpenBao
/// uses: `[a` or `?` are literal).
///
/// Matching is linear in the name, whatever the pattern (no backtracking): a
/// role written with `*****` cannot make a login slow.
struct GlobPattern: Sendable, Equatable {
    /// The literal pieces between the stars.
    private let pieces: [[UInt8]]

    init(_ pattern: String) {
        let bytes = Array(pattern.utf8)
        pieces = bytes.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false).map(Array.init)
    }

    /// Whether `name` matches, by bytes (no Unicode normalisation, as Go compares).
    func matches(_ name: String) -> Bool {
        let text = Array(name.utf8)
        // No star: the whole name, exactly.
        guard pieces.count > 1 else { return text == pieces[0] }
        let first = pieces[0]
        let last = pieces[pieces.count - 1]
        guard text.count >= first.count + last.count, text.starts(with: first), text.reversed().starts(with: last.reversed())
        else { return false }
        // The middle pieces, each at its leftmost place after the one before:
        // taking the leftmost leaves the most room for the rest.
        var position = first.count
        let end = text.count - last.count
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let found = Self.find(piece, in: text, from: position, before: end) else { return false }
            position = found + piece.count
        }
        return true
    }

    private static func find(_ piece: [UInt8], in text: [UInt8], from start: Int, before end: Int) -> Int? {
        guard end - start >= piece.count else { return nil }
        var index = start
        while index + piece.count <= end {
            if text[index..<(index + piece.count)].elementsEqual(piece) { return index }
            index += 1
        }
        return nil
    }
}
