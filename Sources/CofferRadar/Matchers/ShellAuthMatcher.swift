/// Credentials passed on a shell command line: `curl -u`, `Authorization:` headers,
/// `wget --password=`, `docker login -p` (spec §3, HTTP auth in shell).
struct ShellAuthMatcher: SecretMatcher {
    enum Kind: Sendable {
        /// `curl … -u user:pass` / `--user user:pass`: the password after the first colon.
        case curlUser
        /// `Authorization: Basic|Bearer|token <value>`.
        case authorizationHeader
        /// `--password=<value>` / `--http-password=<value>` (wget).
        case passwordFlag
        /// `docker login … -p <value>` / `--password <value>`.
        case dockerLogin
    }

    let kind: Kind
    static let valueStops: Set<UInt8> = Set(" \t\r\n\"'`;|&)".utf8)

    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {
        let lineEnd = input.lineEnd(hit.upperBound, limit: 2048)
        let range: Range<Int>?
        switch kind {
        case .curlUser:
            range = flagValue(input, flags: ["-u", "--user"], from: hit.upperBound, to: lineEnd).flatMap { value in
                guard let colon = input.text[value].firstIndex(of: UInt8(ascii: ":")) else { return nil }
                return (colon + 1)..<value.upperBound
            }
        case .authorizationHeader:
            range = headerValue(input, from: hit.upperBound, to: lineEnd)
        case .passwordFlag:
            range = readValue(input, at: hit.upperBound, to: lineEnd)
        case .dockerLogin:
            range = flagValue(input, flags: ["-p", "--password"], from: hit.upperBound, to: lineEnd)
        }
        guard let range, range.count >= 4 else { return }
        let value = input.string(range)
        guard !PlaceholderFilter.rejects(value) else { return }
        output.spans.append(MatchedSpan(range: range))
    }

    /// The value after one of `flags` (as `-u value`, `-u=value` or `-uvalue` for short flags).
    private func flagValue(_ input: MatchInput, flags: [String], from: Int, to end: Int) -> Range<Int>? {
        var index = from
        while index < end {
            for flag in flags {
                let bytes = Array(flag.utf8)
                guard input.hasBytes(bytes, at: index), index > 0, input.text[index - 1] == 0x20 || input.text[index - 1] == 0x09
                else { continue }
                var cursor = index + bytes.count
                guard cursor < end else { return nil }
                let next = input.text[cursor]
                if next == 0x20 || next == UInt8(ascii: "=") {
                    cursor += 1
                    while cursor < end, input.text[cursor] == 0x20 { cursor += 1 }
                } else if flag.hasPrefix("--") {
                    continue  // `--password-stdin` is a different flag
                }
                return readValue(input, at: cursor, to: end)
            }
            index += 1
        }
        return nil
    }

    /// After `authorization:`, a scheme word then the credential.
    private func headerValue(_ input: MatchInput, from: Int, to end: Int) -> Range<Int>? {
        var index = from
        while index < end, input.text[index] == 0x20 { index += 1 }
        let schemes = ["Basic ", "Bearer ", "token ", "basic ", "bearer ", "Token "]
        guard let scheme = schemes.first(where: { input.hasBytes(Array($0.utf8), at: index) }) else { return nil }
        index += scheme.utf8.count
        while index < end, input.text[index] == 0x20 { index += 1 }
        return readValue(input, at: index, to: end)
    }

    /// A quoted or bare shell word.
    private func readValue(_ input: MatchInput, at start: Int, to end: Int) -> Range<Int>? {
        guard start < end else { return nil }
        let first = input.text[start]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            var close = start + 1
            while close < end, input.text[close] != first { close += 1 }
            guard close < end, close > start + 1 else { return nil }
            return (start + 1)..<close
        }
        var close = start
        while close < end, !Self.valueStops.contains(input.text[close]) { close += 1 }
        return close > start ? start..<close : nil
    }
}
