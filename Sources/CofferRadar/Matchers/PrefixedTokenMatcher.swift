/// Matches tokens that start with a fixed, case-sensitive prefix (`ghp_`, `AKIA`, `xoxb-`).
///
/// The prefix is the rule's keyword, so the automaton hit already sits on the token;
/// the matcher checks the exact prefix, the body's shape and boundaries, then validates.
struct PrefixedTokenMatcher: SecretMatcher {
    /// One accepted prefix with its body shape and any severity it implies.
    struct Variant: Sendable {
        let prefix: [UInt8]
        let shape: TokenShape
        var severity: Severity? = nil
        var tags: [String] = []
    }

    let variants: [Variant]
    var validator: TokenValidator = .none
    /// Bytes that may not precede the prefix (a token glued to a word is something else).
    var leftBoundary: ByteClass = .alnum
    /// Bytes that may not follow the token; defaults to the shape's last run.
    var rightBoundary: ByteClass? = nil
    /// Entropy floor on the body; drops `AKIAXXXXXXXXXXXXXXXX`-style fillers (spec §4).
    var entropyFloor: Double = 3.0
    /// Report only the body (`AccountKey=` is a label, not part of the secret).
    var bodyOnly = false

    init(
        _ variants: [Variant], validator: TokenValidator = .none, leftBoundary: ByteClass = .alnum,
        rightBoundary: ByteClass? = nil, entropyFloor: Double = 3.0
    ) {
        self.variants = variants
        self.validator = validator
        self.leftBoundary = leftBoundary
        self.rightBoundary = rightBoundary
        self.entropyFloor = entropyFloor
    }

    /// Several prefixes sharing one body shape.
    init(
        prefixes: [String], body: TokenShape, validator: TokenValidator = .none,
        leftBoundary: ByteClass = .alnum, rightBoundary: ByteClass? = nil, entropyFloor: Double = 3.0
    ) {
        self.init(
            prefixes.map { Variant(prefix: Array($0.utf8), shape: body) }, validator: validator,
            leftBoundary: leftBoundary, rightBoundary: rightBoundary, entropyFloor: entropyFloor)
    }

    /// The lower-cased prefixes, which are this matcher's keywords.
    var keywords: [String] { variants.map { String(decoding: $0.prefix, as: UTF8.self).lowercased() } }

    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {
        let start = hit.lowerBound
        guard input.isLeftBoundary(start, continuing: leftBoundary) else { return }
        for variant in variants where variant.prefix.count == hit.count && input.hasBytes(variant.prefix, at: start) {
            let bodyStart = start + variant.prefix.count
            guard let end = variant.shape.match(at: bodyStart, in: input.text) else { continue }
            if end < input.text.count, let trailing = rightBoundary ?? variant.shape.trailingClass,
                trailing.contains(byte: input.text[end])
            {
                continue
            }
            let body = Array(input.text[bodyStart..<end])
            let floor = body.count <= 16 ? min(entropyFloor, 2.5) : entropyFloor
            guard Entropy.shannon(body) >= floor, validator.accepts(body: body),
                !PlaceholderFilter.rejectsToken(input.string(start..<end))
            else { continue }
            let captured = bodyOnly ? bodyStart..<end : start..<end
            output.spans.append(MatchedSpan(range: captured, severity: variant.severity, tags: variant.tags))
        }
    }
}

extension PrefixedTokenMatcher {
    /// The same matcher reporting only the body after the prefix.
    func capturingBodyOnly() -> PrefixedTokenMatcher {
        var copy = self
        copy.bodyOnly = true
        return copy
    }
}
