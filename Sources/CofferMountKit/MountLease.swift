import CofferEncoding

/// A lease a mount asks for on the secret it returns (dynamic credentials): the
/// core records it, reports its id, and calls the mount back to revoke it.
package struct MountLease: Sendable, Codable, Equatable {
    package var ttl: Int64
    package var maxTTL: Int64
    package var renewable: Bool
    /// What the mount needs later to revoke the secret (a user name, say); never shown.
    package var internalData: [String: JSONValue]

    package init(ttl: Int64, maxTTL: Int64 = 0, renewable: Bool = true, internalData: [String: JSONValue] = [:]) {
        self.ttl = ttl
        self.maxTTL = maxTTL
        self.renewable = renewable
        self.internalData = internalData
    }
}
