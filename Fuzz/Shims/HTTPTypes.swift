/// Stand-in for swift-http-types' field names, as far as the translator uses them.
public struct HTTPField: Sendable {
    public struct Name: Hashable, Sendable {
        public let rawName: String
        public init?(_ name: String) {
            guard !name.isEmpty else { return nil }
            rawName = name
        }
    }
}
