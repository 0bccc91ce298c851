import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Random bytes from the kernel's CSPRNG (the source of Swift's
/// `SystemRandomNumberGenerator` and of swift-crypto's keys), drawn 256 bytes at
/// a time and handed out once each: a login needs six small draws (ids, request
/// id, nonces), and a system call for each showed in its profile. Bytes are
/// zeroed in the pool as they are handed out.
package enum SecureRandom {
    private struct Pool {
        var bytes = [UInt8](repeating: 0, count: 256)
        /// Bytes before this index have been handed out.
        var next = 256
    }

    private static let pool = Mutex(Pool())

    package static func bytes(_ count: Int) -> [UInt8] {
        guard count <= 64 else { return drawn(count) }
        return withBytes(count) { Array($0) }
    }

    /// Lends `count` (at most 64) random bytes to `body` without putting them in
    /// an array of their own: ids and nonces are made straight from them. The
    /// bytes are copied out of the pool under the lock and wiped after `body`.
    package static func withBytes<T>(_ count: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        precondition(count <= 64)
        var taken: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &taken) { destination in
            pool.withLock { pool in
                if pool.next + count > pool.bytes.count {
                    pool.bytes.withUnsafeMutableBytes { fill($0) }
                    pool.next = 0
                }
                let start = pool.next
                pool.next += count
                pool.bytes.withUnsafeMutableBytes { all in
                    let source = UnsafeMutableRawBufferPointer(rebasing: all[start..<start + count])
                    destination.copyMemory(from: UnsafeRawBufferPointer(source))
                    source.initializeMemory(as: UInt8.self, repeating: 0)
                }
            }
        }
        defer { withUnsafeMutableBytes(of: &taken) { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        return try withUnsafeBytes(of: &taken) { try body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    /// Larger draws go straight to the kernel.
    private static func drawn(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var filled = 0
        while filled < buffer.count {
            // getentropy(3) is getrandom(2) with its 256-byte limit and EINTR
            // handled; it fails only when there is no CSPRNG, and then nothing
            // secret can be made safely.
            let chunk = min(256, buffer.count - filled)
            #if canImport(Glibc)
                precondition(getentropy(buffer.baseAddress! + filled, chunk) == 0, "getentropy failed: errno \(errno)")
            #else
                arc4random_buf(buffer.baseAddress! + filled, chunk)
            #endif
            filled += chunk
        }
    }
}
