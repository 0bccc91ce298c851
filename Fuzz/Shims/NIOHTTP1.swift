/// Stand-in for NIOHTTP1's request head, as far as `APIRequest` reads it.
public struct HTTPRequestHead: Sendable {
    public struct Method: Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
    }

    public var method: Method
    public var uri: String
    public var headers: HTTPHeaders

    public init(method: Method, uri: String, headers: HTTPHeaders) {
        self.method = method
        self.uri = uri
        self.headers = headers
    }
}

/// Header lines in order; a name looked up without regard to case.
public struct HTTPHeaders: Sendable {
    public var lines: [(String, String)]
    public init(_ lines: [(String, String)]) { self.lines = lines }
    public subscript(name: String) -> [String] {
        lines.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
    }
}
