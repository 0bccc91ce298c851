/// Lowercase hex without Foundation's `String(format:)`, which is slow enough to
/// show in a login's profile (it runs for every token hash).
package enum Hex {
    /// The sixteen lowercase digits, for code that writes hex into its own layout (UUIDs).
    package static let digits: StaticString = "0123456789abcdef"

    package static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let array = Array(bytes)
        return array.withUnsafeBytes { encode($0) }
    }

    /// Writes the string in place, after `prefix`: no intermediate array.
    package static func encode(_ bytes: UnsafeRawBufferPointer, prefix: StaticString = "") -> String {
        let start = prefix.utf8CodeUnitCount
        return String(unsafeUninitializedCapacity: start + bytes.count * 2) { output in
            prefix.withUTF8Buffer { prefix in
                for (index, byte) in prefix.enumerated() { output[index] = byte }
            }
            digits.withUTF8Buffer { digits in
                for (index, byte) in bytes.enumerated() {
                    output[start + 2 * index] = digits[Int(byte >> 4)]
                    output[start + 2 * index + 1] = digits[Int(byte & 0x0F)]
                }
            }
            return start + bytes.count * 2
        }
    }
}
