// Hummingbird re-exports these; the translator relies on it for `ByteBuffer`.
@_exported import HTTPTypes
@_exported import NIOCore

/// Stand-in for Hummingbird's request, as far as `APIRequest` reads it.
public struct Request: Sendable {
    public struct Method: Sendable {
        public var rawValue: String
    }

    public struct Head: Sendable {
        public var path: String?
    }

    public struct Fields: Sendable {
        public subscript(name: HTTPField.Name) -> String? { nil }
    }

    public var method: Method
    public var head: Head
    public var headers: Fields
}
