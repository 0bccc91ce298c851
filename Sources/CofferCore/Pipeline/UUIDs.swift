import CofferMountKit
import Foundation

/// Random identifiers in the spellings Vault uses.
package enum UUIDs {
    /// A lowercase random (version 4) UUID, as Vault writes request IDs.
    package static func make() -> String {
        version4(SecureRandom.bytes(16))
    }

    /// 16 bytes as a version 4 UUID: the version and variant bits set, lowercase,
    /// dashed 8-4-4-4-12.
    package static func version4(_ bytes: [UInt8]) -> String {
        precondition(bytes.count >= 16)
        var bytes = Array(bytes.prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Array(Hex.encode(bytes).utf8)
        var dashed: [UInt8] = []
        dashed.reserveCapacity(36)
        for (index, digit) in hex.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { dashed.append(UInt8(ascii: "-")) }
            dashed.append(digit)
        }
        return String(decoding: dashed, as: UTF8.self)
    }

    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `count` random base62 characters (token bodies and accessors), usually from
    /// one draw of the kernel's CSPRNG; bytes of 248 or more are dropped so every
    /// character is equally likely.
    package static func base62(_ count: Int) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(count)
        while characters.count < count {
            let random = SecureRandom.bytes(count + count / 8 + 2)
            for byte in random where byte < 248 && characters.count < count {
                characters.append(base62[Int(byte % 62)])
            }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// `count` random bytes as lowercase hex (mount accessors, cluster names).
    package static func hex(bytes count: Int) -> String {
        Hex.encode(SecureRandom.bytes(count))
    }
}
