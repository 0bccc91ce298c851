/// The logical operation of a request, as Vault's ACL capabilities name them.
package enum MountOperation: String, Sendable, CaseIterable {
    case read, list, create, update, delete, patch
}
