/// Offline checks that kill false positives of fixed-shape tokens.
enum TokenValidator: Sendable {
    case none
    /// GitHub / npm tokens: the last 6 characters are base62(CRC32(the 30 random ones)).
    case crc32Base62

    /// True when `body` (the token without its prefix) passes.
    func accepts(body: [UInt8]) -> Bool {
        switch self {
        case .none:
            return true
        case .crc32Base62:
            guard body.count == 36 else { return true }
            let random = body.prefix(30)
            let expected = Base62.encode(CRC32.checksum(random), width: 6)
            return Array(body.suffix(6)) == expected
        }
    }
}

/// CRC-32 (IEEE 802.3), as used by GitHub's token checksums.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

/// Base62 with the `0-9A-Za-z` alphabet, zero-padded on the left.
enum Base62 {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    static func encode(_ value: UInt32, width: Int) -> [UInt8] {
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(alphabet[Int(rest % 62)])
            rest /= 62
        } while rest > 0
        while digits.count < width { digits.append(alphabet[0]) }
        return digits.reversed()
    }
}
