/// A key compared and hashed by its UTF-8 bytes, as SQLite and PostgreSQL compare
/// them: Swift's `String ==` would make "café" (U+00E9) and "cafe\u{301}" one entry.
struct StorageKey: Hashable, Sendable {
    let string: String
    init(_ string: String) { self.string = string }
    static func == (a: StorageKey, b: StorageKey) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }
    func hash(into hasher: inout Hasher) { for byte in string.utf8 { hasher.combine(byte) } }

    func hasPrefix(_ prefix: String) -> Bool { string.utf8.starts(with: prefix.utf8) }
}
