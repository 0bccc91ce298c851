/// Deterministic generator for sample secrets: tests build every secret at run time from
/// pieces, so no full credential sits in the source (push protection, the repo's own scans).
struct SampleRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    /// SplitMix64.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func string(_ alphabet: String, _ count: Int) -> String {
        let characters = Array(alphabet)
        return String((0..<count).map { _ in characters[Int(next() % UInt64(characters.count))] })
    }

    static let digits = "0123456789"
    static let lower = "abcdefghijklmnopqrstuvwxyz"
    static let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    static let alnum = digits + upper + lower
    static let lowerHex = "0123456789abcdef"
    static let word = alnum + "_"
    static let wordDash = alnum + "_-"
    static let base64 = alnum + "+/"
    static let upperBase32 = upper + "234567"
    static let upperAlnum = upper + digits

    mutating func alnum(_ count: Int) -> String { string(Self.alnum, count) }
    mutating func hex(_ count: Int) -> String { string(Self.lowerHex, count) }
    mutating func wordDash(_ count: Int) -> String { string(Self.wordDash, count) }
}

/// GitHub-style checksummed tokens, computed independently of the scanner's implementation.
enum ChecksummedToken {
    static func make(prefix: String, random: String) -> String {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in random.utf8 {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        let alphabet = Array(SampleRandom.digits + SampleRandom.upper + SampleRandom.lower)
        var digits: [Character] = []
        var rest = crc
        repeat {
            digits.insert(alphabet[Int(rest % 62)], at: 0)
            rest /= 62
        } while rest > 0
        while digits.count < 6 { digits.insert("0", at: 0) }
        return prefix + random + String(digits)
    }
}
