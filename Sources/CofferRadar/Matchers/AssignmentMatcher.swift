import Foundation

/// Reports values assigned to secret-looking keys: the generic rule and the config-file rules.
struct AssignmentMatcher: SecretMatcher {
    /// How the value is judged once the assignment is parsed.
    enum Mode: Sendable {
        /// `generic-secret-assignment`: entropy, randomness and placeholder checks (spec §3, §4, §5).
        case generic
        /// A literal in a known config file (`.npmrc` `_authToken=`, `.pypirc` `password`): any non-placeholder.
        case literal(fileNames: Set<String>?, keys: Set<String>)
        /// `.netrc` style `password value` separated by blanks.
        case netrc
        /// Docker `config.json` `"auth": "<base64 user:pass>"`.
        case dockerAuth
    }

    let mode: Mode

    /// Key names that hold metadata about a secret rather than the secret.
    static let metadataSuffixes = [
        "_file", "_path", "_url", "_uri", "_name", "_type", "_length", "_len", "_size", "_env", "_var",
        "_field", "_header", "_endpoint", "_expiry", "_expires", "_expires_at", "_ttl", "_count", "_id",
        "_policy", "_prompt", "_label", "_mode", "_format", "_version", "_required", "_enabled", "_regex",
        "_pattern", "_method", "_provider", "_dir", "_key_id", "_location", "_strategy", "_timeout",
        // Message catalogues (`token_expired: "Your session has expired"`).
        "_expired", "_message", "_title", "_hint", "_description", "_error", "_placeholder", "_invalid",
        "_missing", "_mismatch",
    ]

    /// Words of running text: a value made of several words, one of them among these, is a
    /// sentence (a UI string, an error message), not a secret. A passphrase of random words
    /// rarely holds one.
    static let functionWords: Set<String> = [
        "the", "a", "an", "your", "you", "is", "are", "was", "has", "have", "been", "be", "to", "of", "in", "on",
        "for", "and", "or", "not", "please", "this", "that", "with", "it", "can", "cannot", "must", "will", "enter",
    ]

    /// True for a value of three or more space-separated words, one of them a function word.
    static func isProse(_ value: [UInt8]) -> Bool {
        let words = String(decoding: value, as: UTF8.self).lowercased().split(separator: " ")
        guard words.count >= 3 else { return false }
        return words.contains { functionWords.contains(String($0.filter(\.isLetter))) }
    }

    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {
        guard hit.lowerBound >= output.scannedUpTo else { return }
        // A quoted keyword (`"auth"`) names the key inside the quotes.
        var hit = hit
        if hit.count > 2, AssignmentParser.quotes.contains(input.text[hit.lowerBound]) {
            hit = (hit.lowerBound + 1)..<(hit.upperBound - 1)
        }
        let parser = AssignmentParser(input: input)
        let whitespace: Bool
        if case .netrc = mode { whitespace = true } else { whitespace = false }
        guard let assignment = parser.parse(hit: hit, whitespaceSeparated: whitespace) else { return }
        output.scannedUpTo = assignment.key.upperBound
        let key = input.string(assignment.key)
        let value = Array(input.text[assignment.value])
        let valueText = String(decoding: value, as: UTF8.self)
        // A bare value stops at `(`; `%(name)s` and `$(cmd)` must still read as references.
        let lookahead = input.string(assignment.value.lowerBound..<min(input.text.count, assignment.value.lowerBound + 2))
        guard !["%(", "$(", "${", "{{", "<<", "#{"].contains(lookahead), !PlaceholderFilter.rejects(valueText),
            accepts(key: key, value: value, assignment: assignment, input: input)
        else { return }
        output.spans.append(MatchedSpan(range: assignment.value, keyName: key))
    }

    private func accepts(key: String, value: [UInt8], assignment: AssignmentParser.Assignment, input: MatchInput) -> Bool {
        let lowered = key.lowercased()
        switch mode {
        case .generic:
            guard Self.isSecretKey(lowered), !assignment.isCall else { return false }
            // In these languages a string literal is quoted: a bare word after `token:` or
            // `token =` is a type (`callbackToken: CallbackToken?`), a variable or a number.
            if !assignment.quoted, Self.isQuotingLanguage(input.traits.fileName) { return false }
            return Entropy.passes(value, keyContext: true) && !RandomnessHeuristics.rejects(value, keyName: key)
                && !Self.isProse(value)
        case .literal(let fileNames, let keys):
            if let fileNames, !fileNames.contains(input.traits.fileName) { return false }
            return keys.contains(lowered)
        case .netrc:
            guard [".netrc", "_netrc"].contains(input.traits.fileName) else { return false }
            return lowered == "password"
        case .dockerAuth:
            guard lowered == "auth", assignment.quoted,
                let decoded = Data(base64Encoded: String(decoding: value, as: UTF8.self)),
                let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":")
            else { return false }
            return !pair[pair.index(after: colon)...].isEmpty
        }
    }

    /// Source files whose languages quote every string literal.
    static let quotingExtensions: Set<String> = [
        "swift", "kt", "kts", "java", "scala", "groovy", "ts", "tsx", "js", "jsx", "mjs", "cjs", "go", "rs", "c", "h",
        "cc", "cpp", "cxx", "hpp", "hh", "m", "mm", "cs", "fs", "py", "rb", "php", "dart", "lua", "ex", "exs", "erl", "hs",
    ]

    static func isQuotingLanguage(_ fileName: String) -> Bool {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return false }
        return quotingExtensions.contains(String(fileName[fileName.index(after: dot)...]))
    }

    /// The key-name test of the generic rule: a secret word, and not a metadata suffix.
    static func isSecretKey(_ key: String) -> Bool {
        if metadataSuffixes.contains(where: { key.hasSuffix($0) || key.hasSuffix($0.replacingOccurrences(of: "_", with: "-")) }) {
            return false
        }
        let words = [
            "password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "api-key",
            "access_key", "access-key", "accesskey", "private_key", "private-key", "privatekey", "credential",
        ]
        if words.contains(where: { key.contains($0) }) { return true }
        // `auth` alone, but not `author`, `authority`, `authentication`, `authorization`.
        let stripped = key.replacingOccurrences(of: "author", with: "").replacingOccurrences(of: "authent", with: "")
        return stripped.contains("auth")
    }
}
