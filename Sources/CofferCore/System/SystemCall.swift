import CofferMountKit

/// A `sys/` request matched to its route: the backend call and what the route's
/// pattern captured.
struct SystemCall: Sendable {
    let call: BackendCall
    let captures: [String: String]

    /// A capture by name; empty when the pattern has none of that name.
    subscript(_ name: String) -> String { captures[name] ?? "" }
}

/// One `sys/` route: handlers take a `SystemCall` and answer a core `Response`.
typealias SystemPath = Route<SystemBackend, SystemCall, Response>
