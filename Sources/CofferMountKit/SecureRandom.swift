#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random bytes from the kernel's CSPRNG, the source Swift's
/// `SystemRandomNumberGenerator` and swift-crypto's key generation use, but in one
/// call per draw: they ask for 8 bytes a call, which made a login spend a dozen
/// system calls on its ids and nonces.
package enum SecureRandom {
    package static func bytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var filled = 0
            while filled < count {
                // getentropy(3) is getrandom(2) with its 256-byte limit and EINTR
                // handled; it fails only when there is no CSPRNG, and then nothing
                // secret can be made safely.
                let chunk = min(256, count - filled)
                precondition(getentropy(buffer.baseAddress! + filled, chunk) == 0, "getentropy failed: errno \(errno)")
                filled += chunk
            }
            initialized = count
        }
    }
}
