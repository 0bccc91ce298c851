/// Why the barrier refused: it names the failure, never a key or a value.
package enum BarrierError: Error, CustomStringConvertible, Equatable {
    case sealed
    case notInitialized
    case alreadyInitialized
    case corrupt
    case decryptionFailed
    case reservedPath

    package var description: String {
        switch self {
        case .sealed: "Vault is sealed"
        case .notInitialized: "Vault is not initialized"
        case .alreadyInitialized: "Vault is already initialized"
        case .corrupt: "stored value is corrupt"
        case .decryptionFailed: "cipher: message authentication failed"
        case .reservedPath: "path is reserved for the barrier"
        }
    }
}
