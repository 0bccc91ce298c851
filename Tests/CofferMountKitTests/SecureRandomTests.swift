import CofferMountKit
import Testing

/// Token ids, accessors and nonces come from the pooled draws; a pool that handed
/// a byte out twice would repeat a nonce under the barrier key.
@Suite struct SecureRandomTests {
    @Test("draws have the asked length, across pool refills and past the pool")
    func lengths() {
        for count in [0, 1, 12, 16, 64, 65, 256, 1000] {
            #expect(SecureRandom.bytes(count).count == count)
        }
    }

    @Test("no two nonces repeat over many refills")
    func noRepeats() {
        var seen = Set<[UInt8]>()
        for _ in 0..<5000 {
            #expect(seen.insert(SecureRandom.bytes(12)).inserted)
        }
    }
}
