/// Finds `scheme://user:password@host` URLs and captures the password (spec §3, connection strings).
///
/// Triggered by `://`; the scheme is read backwards from the hit, so one keyword
/// serves every scheme. User-only URLs and reference passwords are not findings.
struct ConnectionStringMatcher: SecretMatcher {
    static let schemes: Set<String> = [
        "postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss",
        "amqp", "amqps", "ftp", "sftp", "smtp", "smtps", "ldap", "ldaps", "http", "https",
    ]
    /// Bytes that end the user-info part before an `@` is seen.
    static let stops: Set<UInt8> = Set(" \t\r\n\"'`/<>()[]{}\\,;|".utf8)

    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {
        guard let scheme = readScheme(input, before: hit.lowerBound), Self.schemes.contains(scheme) else { return }
        var index = hit.upperBound
        var colon: Int? = nil
        var atSign: Int? = nil
        let limit = min(input.text.count, index + 512)
        while index < limit {
            let byte = input.text[index]
            if Self.stops.contains(byte) { break }
            if byte == UInt8(ascii: ":"), colon == nil { colon = index }
            if byte == UInt8(ascii: "@") { atSign = index }  // last `@` wins: passwords may hold one
            index += 1
        }
        guard let colon, let atSign, colon < atSign, colon >= hit.upperBound, atSign + 1 < limit,
            !Self.stops.contains(input.text[atSign + 1])
        else { return }
        let password = (colon + 1)..<atSign
        guard !password.isEmpty, !PlaceholderFilter.rejects(input.string(password)) else { return }
        output.spans.append(MatchedSpan(range: password, keyName: scheme))
    }

    /// The lower-cased scheme ending at `index` (letters, digits, `+`), if any.
    private func readScheme(_ input: MatchInput, before index: Int) -> String? {
        var start = index
        while start > 0, index - start < 16 {
            let byte = input.text[start - 1]
            guard ByteClass([.alnum]).contains(byte: byte) || byte == UInt8(ascii: "+") else { break }
            start -= 1
        }
        guard start < index else { return nil }
        return input.string(start..<index).lowercased()
    }
}

/// `jdbc:…password=…` and ODBC `…;Password=…;` (spec §3).
struct KeyedConnectionPasswordMatcher: SecretMatcher {
    /// Substrings that must occur in the line before the password key (`jdbc:`, `server=`).
    let contextMarkers: [String]

    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {
        let lineStart = input.lineStart(hit.lowerBound, limit: 1024)
        let before = input.string(lineStart..<hit.lowerBound).lowercased()
        guard contextMarkers.contains(where: { before.contains($0) }) else { return }
        // Only a key that starts a parameter (`;Password=`, `?password=`, `&pwd=`) counts.
        if hit.lowerBound > lineStart {
            let previous = input.text[hit.lowerBound - 1]
            guard Set(";?& \t\"'".utf8).contains(previous) else { return }
        }
        var end = hit.upperBound
        let limit = min(input.text.count, end + 256)
        while end < limit, !Set(";&\"' \t\r\n".utf8).contains(input.text[end]) { end += 1 }
        let value = hit.upperBound..<end
        guard !value.isEmpty, !PlaceholderFilter.rejects(input.string(value)) else { return }
        output.spans.append(MatchedSpan(range: value, keyName: "password"))
    }
}
