/// One request as a mount sees it: its path relative to the mount and its own storage.
///
/// Immutable: a stage that needs a different request (another operation, say)
/// makes a new one, so no stage sees a request half-changed by another.
package struct MountRequest: Sendable {
    package let operation: MountOperation
    /// The path below the mount, without a leading slash (`data/ci/production/db`).
    package let path: String
    package let fields: RequestFields
    package let storage: StorageView
    /// The mount's own path with a trailing slash (`secret/`).
    package let mountPath: String
    package let clientAddress: String?
    /// The client's TLS certificates, when it presented any (`auth/cert` logs in by them).
    package let peerCertificates: PeerCertificates?
    /// The display name of the caller's token (`token`, `jwt-<user>`); empty on a login.
    package let displayName: String
    /// The lease TTLs this mount may hand out (its tuning, else the system's).
    package let leaseLimits: LeaseLimits

    package init(
        operation: MountOperation, path: String, fields: RequestFields, storage: StorageView,
        mountPath: String, clientAddress: String? = nil, peerCertificates: PeerCertificates? = nil,
        displayName: String = "", leaseLimits: LeaseLimits = .system
    ) {
        self.operation = operation
        self.path = path
        self.fields = fields
        self.storage = storage
        self.mountPath = mountPath
        self.clientAddress = clientAddress
        self.peerCertificates = peerCertificates
        self.displayName = displayName
        self.leaseLimits = leaseLimits
    }
}
