import CofferCore
import CofferMountKit
import CofferMounts
import CofferStorage

/// A core over memory storage, initialized and unsealed, for tests.
package enum TestCore {
    package static let rootToken = "test-root"

    package static func unsealed(storage: any PhysicalStorage = MemoryStorage()) async throws -> Core {
        try await unsealedWithKey(storage: storage).core
    }

    /// The core and its single unseal key share, for tests that seal and unseal.
    package static func unsealedWithKey(storage: any PhysicalStorage = MemoryStorage()) async throws -> (core: Core, unsealKey: [UInt8]) {
        let core = Core(physical: storage, mountFactories: ["kv": KVMountFactory.factory])
        let (key, _) = try await core.startDev(rootTokenID: rootToken)
        return (core, key)
    }
}
