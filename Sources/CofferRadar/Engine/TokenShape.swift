/// A linear-time description of a token: literal pieces and bounded runs of a byte class.
///
/// Shapes replace regexes for the hot families (spec §15): matching is greedy with no
/// backtracking, so a 5 MB line of token-like bytes costs one pass, not a blow-up.
struct TokenShape: Sendable {
    /// One piece of a shape.
    enum Segment: Sendable {
        case literal([UInt8])
        case run(ByteClass, ClosedRange<Int>)
    }

    let segments: [Segment]

    init(_ segments: [Segment]) { self.segments = segments }

    /// A single run: `class{min,max}`.
    static func run(_ cls: ByteClass, _ length: ClosedRange<Int>) -> TokenShape {
        TokenShape([.run(cls, length)])
    }

    /// The end index when the shape matches at `start`, else nil.
    func match(at start: Int, in text: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = start
        for segment in segments {
            switch segment {
            case .literal(let bytes):
                guard index + bytes.count <= text.count else { return nil }
                for offset in 0..<bytes.count where text[index + offset] != bytes[offset] { return nil }
                index += bytes.count
            case .run(let cls, let length):
                var count = 0
                while index < text.count, count < length.upperBound, cls.contains(byte: text[index]) {
                    index += 1
                    count += 1
                }
                guard count >= length.lowerBound else { return nil }
            }
        }
        return index
    }

    /// The class of the last run, used to insist the token is not followed by more of it.
    var trailingClass: ByteClass? {
        if case .run(let cls, _) = segments.last { return cls }
        return nil
    }
}

extension TokenShape.Segment {
    /// A literal from an ASCII string.
    static func text(_ value: String) -> TokenShape.Segment { .literal(Array(value.utf8)) }
}
