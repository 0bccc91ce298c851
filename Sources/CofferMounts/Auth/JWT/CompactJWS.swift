import CofferMountKit

/// A compact JWS split once into its three base64url parts, as bytes: the login
/// reads the header, checks the signature over `header.payload`, and reads the
/// claims, all from this one split.
struct CompactJWS {
    let bytes: [UInt8]
    /// Header, payload and signature, as slices of `bytes`.
    let parts: [ArraySlice<UInt8>]

    init(_ token: String) {
        bytes = Array(token.utf8)
        parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    }

    /// What the signature signs: `header.payload`.
    var signingInput: ArraySlice<UInt8> {
        parts.count == 3 ? bytes[..<parts[1].endIndex] : []
    }

    /// The offset, within its part, of the first byte that is not base64url.
    func firstIllegalByte() -> Int? {
        Base64URL.withTable { table in
            for part in parts {
                if let index = part.firstIndex(where: { table[Int($0)] == 0xFF }) {
                    return index - part.startIndex
                }
            }
            return nil
        }
    }
}

/// Base64url without padding, as JWS parts are written, decoded straight from
/// bytes (Foundation's decoder wants padded standard base64 in a `Data`, which
/// cost a translation and two copies per part on every login).
enum Base64URL {
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        return table
    }()

    /// The table of 6-bit values (0xFF outside the alphabet), fetched once per
    /// token rather than once per byte.
    static func withTable<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        values.withUnsafeBufferPointer(body)
    }

    /// nil when a byte is outside the alphabet or the length cannot be base64
    /// (a single leftover character).
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        let complete = withTable { table in
            for byte in text {
                let value = table[Int(byte)]
                guard value != 0xFF else { return false }
                accumulator = (accumulator << 6) | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                }
            }
            return true
        }
        return complete ? output : nil
    }
}
