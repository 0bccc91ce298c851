/// A string that compares and hashes by its UTF-8 bytes, as Go (and so Vault) compares
/// strings.
///
/// Swift's `String ==`, `hasPrefix` and dictionary keys use Unicode canonical
/// equivalence: "é" (U+00E9) equals "e\u{301}". Paths, policy keys and storage keys
/// must not: a grant on one spelling would open the other, and two secrets whose
/// names differ only so would share one storage entry.
package struct ByteString: Hashable, Sendable, CustomStringConvertible {
    package let string: String

    package init(_ string: String) { self.string = string }

    package var description: String { string }

    package static func == (a: ByteString, b: ByteString) -> Bool {
        a.string.utf8.elementsEqual(b.string.utf8)
    }

    package func hash(into hasher: inout Hasher) {
        for byte in string.utf8 { hasher.combine(byte) }
    }
}

extension String {
    /// Byte-for-byte equality of the UTF-8 encodings (no Unicode normalisation).
    package func bytesEqual(_ other: some StringProtocol) -> Bool {
        utf8.elementsEqual(other.utf8)
    }

    /// Whether the UTF-8 bytes start with `prefix`'s bytes (no grapheme or
    /// normalisation rules: "cafe\u{301}" starts with "cafe").
    package func hasBytePrefix(_ prefix: some StringProtocol) -> Bool {
        utf8.starts(with: prefix.utf8)
    }

    /// Whether the UTF-8 bytes end with `suffix`'s bytes.
    package func hasByteSuffix(_ suffix: some StringProtocol) -> Bool {
        utf8.reversed().starts(with: suffix.utf8.reversed())
    }
}

extension Substring {
    /// Byte-for-byte equality of the UTF-8 encodings (no Unicode normalisation).
    package func bytesEqual(_ other: some StringProtocol) -> Bool {
        utf8.elementsEqual(other.utf8)
    }

    /// Whether the UTF-8 bytes start with `prefix`'s bytes.
    package func hasBytePrefix(_ prefix: some StringProtocol) -> Bool {
        utf8.starts(with: prefix.utf8)
    }
}
