/// The "looks random" checks of spec §4 for generic rules; any one of them rejects a value.
enum RandomnessHeuristics {
    static let sequences = ["abcdef", "123456", "qwerty", "234567", "bcdefg", "987654", "asdfgh"]
    static let vowels: Set<UInt8> = Set("aeiouyAEIOUY".utf8)

    /// True when `value` (under key `keyName`, if any) looks like something other than a secret.
    static func rejects(_ value: [UInt8], keyName: String?) -> Bool {
        let key = keyName?.lowercased() ?? ""
        if Set(value).count <= 2 { return true }
        if hasRun(value, length: 6) { return true }
        let text = String(decoding: value, as: UTF8.self)
        let lowered = text.lowercased()
        if sequences.contains(where: { lowered.contains($0) }) { return true }
        if isWordIdentifier(value) { return true }
        if isUUID(value) && !["key", "secret", "token"].contains(where: { key.contains($0) }) { return true }
        if value.count == 40 && Entropy.charset(of: value) == .hex
            && ["sha", "commit", "rev", "hash", "digest", "checksum"].contains(where: { key.contains($0) })
        {
            return true
        }
        return isVersionDatePathOrPlainURL(text)
    }

    /// A run of `length` identical bytes.
    static func hasRun(_ value: [UInt8], length: Int) -> Bool {
        var run = 1
        for index in value.indices.dropFirst() {
            run = value[index] == value[index - 1] ? run + 1 : 1
            if run >= length { return true }
        }
        return false
    }

    /// `camelCase`, `snake_case`, `kebab-case` or a plain word made of pronounceable chunks.
    ///
    /// There is no dictionary in the binary; a chunk counts as a word when it has a vowel
    /// and no run of four consonants, which random strings rarely manage across every chunk.
    static func isWordIdentifier(_ value: [UInt8]) -> Bool {
        guard value.allSatisfy({ ByteClass([.lower, .upper, .underscore, .dash, .dot]).contains(byte: $0) }) else {
            return false
        }
        var chunks: [[UInt8]] = [[]]
        for (index, byte) in value.enumerated() {
            if !ByteClass([.lower, .upper]).contains(byte: byte) {
                chunks.append([])
                continue
            }
            let startsWord =
                ByteClass.upper.contains(byte: byte) && index > 0
                && ByteClass.lower.contains(byte: value[index - 1])
            if startsWord { chunks.append([]) }
            chunks[chunks.count - 1].append(byte)
        }
        let words = chunks.filter { !$0.isEmpty }
        return !words.isEmpty && words.allSatisfy(isPronounceable)
    }

    private static func isPronounceable(_ chunk: [UInt8]) -> Bool {
        guard chunk.count >= 2, chunk.contains(where: { vowels.contains($0) }) else { return false }
        var consonants = 0
        for byte in chunk {
            consonants = vowels.contains(byte) ? 0 : consonants + 1
            if consonants >= 4 { return false }
        }
        return true
    }

    /// 8-4-4-4-12 hex.
    static func isUUID(_ value: [UInt8]) -> Bool {
        guard value.count == 36 else { return false }
        for (index, byte) in value.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                if byte != UInt8(ascii: "-") { return false }
            } else if !ByteClass.hex.contains(byte: byte) {
                return false
            }
        }
        return true
    }

    /// `1.2.3`, `v1.2.3-beta.4+build`, `2024-01-02`, `2024-01-02T10:00:00Z`.
    static func isVersionOrDate(_ text: String) -> Bool {
        var core = Substring(text)
        if core.hasPrefix("v") { core = core.dropFirst() }
        if let cut = core.firstIndex(where: { $0 == "+" || ($0 == "-" && core.contains(".")) }) {
            let suffix = core[core.index(after: cut)...]
            guard suffix.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else { return false }
            core = core[..<cut]
        }
        if let timeCut = core.firstIndex(of: "T") { core = core[..<timeCut] }
        let digitsAndSeparators = core.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "/") }
        return !core.isEmpty && digitsAndSeparators && core.contains { !$0.isNumber } && core.first?.isNumber == true
    }

    /// Semantic versions, dates, file paths and URLs that carry no credentials.
    static func isVersionDatePathOrPlainURL(_ text: String) -> Bool {
        if isVersionOrDate(text) { return true }
        if text.hasPrefix("/") || text.hasPrefix("./") || text.hasPrefix("../") || text.hasPrefix("~/") { return true }
        if text.contains("://") && !text.contains("@") { return true }
        return false
    }
}
