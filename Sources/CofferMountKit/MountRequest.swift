/// One request as a mount sees it: its path relative to the mount and its own storage.
package struct MountRequest: Sendable {
    package var operation: MountOperation
    /// The path below the mount, without a leading slash (`data/ci/production/db`).
    package var path: String
    package var fields: RequestFields
    package var storage: StorageView
    /// The mount's own path with a trailing slash (`secret/`).
    package var mountPath: String
    package var clientAddress: String?

    package init(
        operation: MountOperation, path: String, fields: RequestFields, storage: StorageView,
        mountPath: String, clientAddress: String? = nil
    ) {
        self.operation = operation
        self.path = path
        self.fields = fields
        self.storage = storage
        self.mountPath = mountPath
        self.clientAddress = clientAddress
    }
}
