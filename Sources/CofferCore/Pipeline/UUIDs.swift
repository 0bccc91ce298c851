import CofferEncoding
import CofferMountKit
import Foundation

/// Random identifiers in the spellings Vault uses. Each is written straight into
/// its string: a login makes four, and the arrays in between showed in its profile.
package enum UUIDs {
    /// A lowercase random (version 4) UUID, as Vault writes request IDs.
    package static func make() -> String {
        SecureRandom.withBytes(16) { version4($0) }
    }

    /// 16 bytes as a version 4 UUID: the version and variant bits set, lowercase,
    /// dashed 8-4-4-4-12.
    package static func version4(_ bytes: [UInt8]) -> String {
        precondition(bytes.count >= 16)
        return bytes.withUnsafeBytes { version4($0) }
    }

    package static func version4(_ bytes: UnsafeRawBufferPointer) -> String {
        precondition(bytes.count >= 16)
        return String(unsafeUninitializedCapacity: 36) { output in
            Hex.digits.withUTF8Buffer { digits in
                var written = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        output[written] = UInt8(ascii: "-")
                        written += 1
                    }
                    var byte = bytes[index]
                    if index == 6 { byte = (byte & 0x0F) | 0x40 }
                    if index == 8 { byte = (byte & 0x3F) | 0x80 }
                    output[written] = digits[Int(byte >> 4)]
                    output[written + 1] = digits[Int(byte & 0x0F)]
                    written += 2
                }
                return written
            }
        }
    }

    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `count` random base62 characters (token bodies and accessors), usually from
    /// one draw; bytes of 248 or more are dropped so every character is equally likely.
    package static func base62(_ count: Int) -> String {
        String(unsafeUninitializedCapacity: count) { output in
            var written = 0
            while written < count {
                SecureRandom.withBytes(min(64, count - written + count / 8 + 2)) { random in
                    for byte in random where byte < 248 && written < count {
                        output[written] = base62[Int(byte % 62)]
                        written += 1
                    }
                }
            }
            return written
        }
    }

    /// `count` random bytes as lowercase hex (mount accessors, cluster names).
    package static func hex(bytes count: Int) -> String {
        Hex.encode(SecureRandom.bytes(count))
    }
}
