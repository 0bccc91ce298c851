/// One `path "..." { ... }` block after parsing: where it applies and what it grants.
package struct PolicyRule: Sendable, Equatable {
    /// The path text without a leading `/` and without the trailing `*`.
    package var path: String
    /// The rule ended in `*`: it covers every path that starts with `path`.
    package var isPrefix: Bool
    package var capabilities: Capabilities
    package var parameters: ParameterConstraints

    /// Whether any segment is `+` (a one-segment wildcard).
    package var hasSegmentWildcard: Bool {
        SegmentPattern.segments(path).contains { $0.elementsEqual("+".utf8) }
    }

    /// The text as written, with the trailing `*` back.
    package var pattern: String { isPrefix ? path + "*" : path }
}

/// A rule's constraints on request parameters (spec/jwt-auth.md §5.7).
package struct ParameterConstraints: Sendable, Equatable {
    /// Lowercased key -> allowed values (empty = any value).
    package var allowed: [String: [String]]? = nil
    package var denied: [String: [String]]? = nil
    package var required: [String] = []
    package var minWrappingTTL: Int64 = 0
    package var maxWrappingTTL: Int64 = 0

    package var isEmpty: Bool {
        allowed == nil && denied == nil && required.isEmpty && minWrappingTTL == 0 && maxWrappingTTL == 0
    }
}
