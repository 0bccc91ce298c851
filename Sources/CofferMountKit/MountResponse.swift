import CofferEncoding

/// What a mount answers: data to show, or nothing (a 204), with warnings.
package struct MountResponse: Sendable {
    package var data: [String: JSONValue]?
    package var warnings: [String]
    /// A lease duration to report for the data (KV v1's `ttl` key), in seconds.
    package var leaseDuration: Int64
    /// A 404 that still carries its data (a deleted KV v2 version, spec §2.3).
    package var isNotFound: Bool
    /// Set when the secret must be revoked later (dynamic credentials).
    package var lease: MountLease? = nil
    /// Set by a successful login: the token the core should mint.
    package var auth: MountAuth? = nil

    package init(data: [String: JSONValue]? = nil, warnings: [String] = [], leaseDuration: Int64 = 0, isNotFound: Bool = false) {
        self.data = data
        self.warnings = warnings
        self.leaseDuration = leaseDuration
        self.isNotFound = isNotFound
    }

    /// Nothing to say: the HTTP layer answers 204.
    package static let noContent = MountResponse()
}
