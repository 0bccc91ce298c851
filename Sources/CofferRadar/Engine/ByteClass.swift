/// Character classes of token bodies as a bitmask looked up per byte (no `Character` work in matchers).
struct ByteClass: OptionSet, Sendable {
    let rawValue: UInt16

    static let digit = ByteClass(rawValue: 1 << 0)
    static let lower = ByteClass(rawValue: 1 << 1)
    static let upper = ByteClass(rawValue: 1 << 2)
    static let underscore = ByteClass(rawValue: 1 << 3)
    static let dash = ByteClass(rawValue: 1 << 4)
    static let plusSlash = ByteClass(rawValue: 1 << 5)
    static let lowerHexLetter = ByteClass(rawValue: 1 << 6)
    static let upperHexLetter = ByteClass(rawValue: 1 << 7)
    static let base32Digit = ByteClass(rawValue: 1 << 8)  // 2-7
    static let equals = ByteClass(rawValue: 1 << 9)
    static let dot = ByteClass(rawValue: 1 << 10)

    static let alnum: ByteClass = [.digit, .lower, .upper]
    static let word: ByteClass = [.alnum, .underscore]
    static let wordDash: ByteClass = [.word, .dash]
    static let lowerHex: ByteClass = [.digit, .lowerHexLetter]
    static let hex: ByteClass = [.digit, .lowerHexLetter, .upperHexLetter]
    static let base64: ByteClass = [.alnum, .plusSlash]
    static let base64URL: ByteClass = [.alnum, .underscore, .dash]
    static let upperBase32: ByteClass = [.upper, .base32Digit]
    static let upperAlnum: ByteClass = [.upper, .digit]
    static let lowerAlnum: ByteClass = [.lower, .digit]

    /// Class bits for every byte value; computed once.
    static let table: [UInt16] = (0..<256).map { value in
        let byte = UInt8(value)
        var bits: ByteClass = []
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            bits.insert(.digit)
            if byte >= UInt8(ascii: "2") && byte <= UInt8(ascii: "7") { bits.insert(.base32Digit) }
        case UInt8(ascii: "a")...UInt8(ascii: "z"):
            bits.insert(.lower)
            if byte <= UInt8(ascii: "f") { bits.insert(.lowerHexLetter) }
        case UInt8(ascii: "A")...UInt8(ascii: "Z"):
            bits.insert(.upper)
            if byte <= UInt8(ascii: "F") { bits.insert(.upperHexLetter) }
        case UInt8(ascii: "_"): bits.insert(.underscore)
        case UInt8(ascii: "-"): bits.insert(.dash)
        case UInt8(ascii: "+"), UInt8(ascii: "/"): bits.insert(.plusSlash)
        case UInt8(ascii: "="): bits.insert(.equals)
        case UInt8(ascii: "."): bits.insert(.dot)
        default: break
        }
        return bits.rawValue
    }

    /// True when `byte` belongs to any of this class's members.
    @inline(__always)
    func contains(byte: UInt8) -> Bool {
        ByteClass.table[Int(byte)] & rawValue != 0
    }
}
