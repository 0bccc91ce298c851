import Foundation

/// Shannon entropy and the charset-dependent thresholds of spec §4.
enum Entropy {
    /// Bits per character: `H = −Σ p(c) · log2 p(c)` over the bytes of `value`.
    static func shannon<C: Collection>(_ value: C) -> Double where C.Element == UInt8 {
        guard !value.isEmpty else { return 0 }
        var counts = [Int](repeating: 0, count: 256)
        for byte in value { counts[Int(byte)] += 1 }
        let total = Double(value.count)
        var bits = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / total
            bits -= p * log2(p)
        }
        return bits
    }

    /// The charset a value is judged by.
    enum Charset { case hex, base64, other }

    static func charset(of value: [UInt8]) -> Charset {
        if value.allSatisfy({ ByteClass.hex.contains(byte: $0) }) { return .hex }
        if value.allSatisfy({ ByteClass([.base64, .base64URL, .equals]).contains(byte: $0) }) { return .base64 }
        return .other
    }

    /// True when `value` is random enough for a generic or high-entropy rule.
    ///
    /// `keyContext` is true when the value sits under a secret-looking key (lower bars).
    /// Thresholds are capped at 85% of the maximum entropy possible for the value's
    /// length; otherwise no 8-to-12-character random password could ever pass.
    static func passes(_ value: [UInt8], keyContext: Bool) -> Bool {
        let entropy = shannon(value)
        let ceiling = log2(Double(max(value.count, 1))) * 0.85
        switch charset(of: value) {
        case .hex:
            guard value.count >= (keyContext ? 16 : 32) else { return false }
            return entropy >= min(3.0, ceiling)
        case .base64:
            guard value.count >= (keyContext ? 12 : 20) else { return false }
            return entropy >= min(keyContext ? 3.5 : 4.5, ceiling)
        case .other:
            guard keyContext, value.count >= 8 else { return false }
            return entropy >= min(3.5, ceiling)
        }
    }
}
