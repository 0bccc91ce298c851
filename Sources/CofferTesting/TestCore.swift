import CofferCore
import CofferMountKit
import CofferMounts
import CofferStorage
import Foundation

/// A core over memory storage, initialized and unsealed, for tests.
package enum TestCore {
    package static let rootToken = "test-root"

    package static func unsealed(
        storage: any PhysicalStorage = MemoryStorage(), clock: ManualClock? = nil, metrics: CofferMetrics = .disabled
    ) async throws -> Core {
        try await unsealedWithKey(storage: storage, clock: clock, metrics: metrics).core
    }

    /// A core over `storage` with Coffer's mount types, not yet initialized.
    package static func make(storage: any PhysicalStorage, clock: ManualClock? = nil, metrics: CofferMetrics = .disabled) -> Core {
        let now: @Sendable () -> Date
        if let clock {
            now = { clock.now() }
        } else {
            now = { Date() }
        }
        return Core(physical: storage, mountFactories: BuiltinMounts.makeFactories(metrics: metrics.factory), clock: now, metrics: metrics)
    }

    /// The core and its single unseal key share, for tests that seal and unseal.
    package static func unsealedWithKey(
        storage: any PhysicalStorage = MemoryStorage(), clock: ManualClock? = nil, metrics: CofferMetrics = .disabled
    ) async throws -> (core: Core, unsealKey: [UInt8]) {
        let core = make(storage: storage, clock: clock, metrics: metrics)
        let (key, _) = try await core.startDev(rootTokenID: rootToken)
        return (core, key)
    }
}
