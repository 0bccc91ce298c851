/// A request matched to one path of a mount's table: the request and what the
/// pattern captured (`name` in `role/{name}`).
package struct PathCall: Sendable {
    package let request: MountRequest
    package let captures: [String: String]

    package init(_ request: MountRequest, captures: [String: String]) {
        self.request = request
        self.captures = captures
    }

    /// A capture by name; empty when the pattern has none of that name.
    package subscript(_ name: String) -> String { captures[name] ?? "" }

    package var fields: RequestFields { request.fields }
    package var operation: MountOperation { request.operation }
}
