/// Rejects values that are references or placeholders rather than secrets (spec §5).
enum PlaceholderFilter {
    /// Substrings that mark a value as a placeholder, compared lower-cased.
    static let placeholderMarkers = [
        "example", "sample", "dummy", "placeholder", "changeme", "change_me", "your_", "<your",
        "xxxx", "****", "redacted", "todo", "fixme", "null", "none", "undefined",
    ]
    /// Whole values that are words, not secrets.
    static let placeholderWholeValues: Set<String> = ["password", "secret", "test", "passwd", "token", "true", "false"]
    /// Documentation values published by providers (kept with the rule data).
    static let documentationValues: Set<String> = [
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "pk_test_TYooMQauvdEDq54NiTphI7jx",
    ]
    /// Substrings that mark a reference to a variable or an expression (`${X}`, `<< … >>`).
    static let referenceMarkers = [
        "${", "$(", "{{", "<<", "%(", "#{", "env[", "os.environ", "process.env", "getenv(", "secrets.", "vars.",
    ]

    /// True when `value` must not be reported.
    static func rejects(_ value: String) -> Bool {
        isReference(value) || isPlaceholder(value) || isMasked(value) || documentationValues.contains(value)
    }

    /// `$NAME`, `${NAME}`, `%NAME%`, `<< parameters.x >>` and friends.
    static func isReference(_ value: String) -> Bool {
        let lowered = value.lowercased()
        if value.hasPrefix("$") { return true }
        if referenceMarkers.contains(where: { lowered.contains($0) }) { return true }
        let bytes = Array(value.utf8)
        if bytes.count >= 3, bytes.first == UInt8(ascii: "%"), bytes.last == UInt8(ascii: "%"),
            bytes.dropFirst().dropLast().allSatisfy({ ByteClass.word.contains(byte: $0) })
        {
            return true
        }
        return false
    }

    /// Markers strong enough to apply to long random tokens, where short words (`none`, `todo`)
    /// would occur by chance; used for fixed-shape provider tokens.
    static let tokenMarkers = ["example", "sample", "dummy", "placeholder", "xxxx", "redacted", "your_", "fake"]

    /// True when a fixed-shape token is a documentation value or an obvious filler.
    static func rejectsToken(_ value: String) -> Bool {
        if documentationValues.contains(value) { return true }
        let lowered = value.lowercased()
        return tokenMarkers.contains { lowered.contains($0) }
    }

    /// Placeholder words, `<wrapped>` values and the whole-value words.
    static func isPlaceholder(_ value: String) -> Bool {
        let lowered = value.lowercased()
        if placeholderWholeValues.contains(lowered) { return true }
        if value.hasPrefix("<") && value.hasSuffix(">") { return true }
        return placeholderMarkers.contains(where: { lowered.contains($0) })
    }

    /// CircleCI masking (`xxxx` + 4), all `*`, all `•`.
    static func isMasked(_ value: String) -> Bool {
        if value.allSatisfy({ $0 == "*" }) || value.allSatisfy({ $0 == "•" }) { return true }
        return value.count == 8 && value.lowercased().hasPrefix("xxxx")
    }
}
