import CofferMountKit

/// Builds a KV mount of the version its options ask for (`options.version`).
package enum KVMountFactory {
    package static let factory: MountFactory = { context in
        context.options["version"] == "2" ? KVv2Mount(storage: context.storage, clock: context.clock) : KVv1Mount()
    }
}
