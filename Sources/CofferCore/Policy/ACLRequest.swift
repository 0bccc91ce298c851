import CofferEncoding
import CofferMountKit

/// What the ACL is asked about one request: the path, the capability the
/// operation needs, the parameters sent and the wrapping asked for.
package struct ACLRequest: Sendable {
    package var path: String
    package var capability: Capabilities
    /// The top-level body, for the parameter constraints (§5.7). Never copied
    /// into a decision: values may be secrets.
    package var parameters: [String: JSONValue]
    /// Seconds of `X-Vault-Wrap-TTL`, nil when not wrapping.
    package var wrapTTL: Int64?

    package init(path: String, capability: Capabilities, parameters: [String: JSONValue] = [:], wrapTTL: Int64? = nil) {
        self.path = path
        self.capability = capability
        self.parameters = parameters
        self.wrapTTL = wrapTTL
    }

    /// The question a core request asks; `exists` tells `create` from `update` for a write.
    package init(_ request: Request, exists: Bool) {
        self.init(
            path: request.path, capability: Self.capability(for: request.operation, exists: exists),
            parameters: request.data, wrapTTL: request.wrapTTL)
    }

    /// A LIST consults the rules without its trailing `/` too (§5.3 steps 2 and 4).
    var isListing: Bool { capability == .list }

    /// The capability an operation needs (§5.2): a write is `create` when nothing
    /// exists at the path yet, else `update`.
    package static func capability(for operation: Request.Operation, exists: Bool) -> Capabilities {
        switch operation {
        case .read: .read
        case .list: .list
        case .delete: .delete
        case .patch: .patch
        case .write: exists ? .update : .create
        }
    }
}
