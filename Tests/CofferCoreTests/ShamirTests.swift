import Testing

@testable import CofferCore

@Suite struct ShamirTests {
    /// A seeded generator so a failing case can be replayed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("any threshold-sized subset of shares recovers the secret", arguments: 1...40)
    func anyThresholdSubsetRecovers(seed: Int) throws {
        var generator = SeededGenerator(state: UInt64(seed))
        let shares = Int.random(in: 2...10, using: &generator)
        let threshold = Int.random(in: 2...shares, using: &generator)
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let parts = try Shamir.split(secret, shares: shares, threshold: threshold, using: &generator)

        #expect(parts.count == shares)
        #expect(parts.allSatisfy { $0.count == 33 })
        for _ in 0..<5 {
            let subset = Array(parts.shuffled(using: &generator).prefix(Int.random(in: threshold...shares, using: &generator)))
            #expect(try Shamir.combine(subset) == secret)
        }
    }

    @Test("fewer than threshold shares do not recover the secret", arguments: 1...40)
    func fewerSharesDoNotRecover(seed: Int) throws {
        var generator = SeededGenerator(state: UInt64(seed) &+ 1000)
        let shares = Int.random(in: 3...10, using: &generator)
        let threshold = Int.random(in: 3...shares, using: &generator)
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let parts = try Shamir.split(secret, shares: shares, threshold: threshold, using: &generator)
        let subset = Array(parts.shuffled(using: &generator).prefix(threshold - 1))
        // With threshold-1 shares every secret is equally likely: a 32-byte match
        // by chance has probability 2^-256.
        #expect(try Shamir.combine(subset) != secret)
    }

    @Test("one share of one is the secret plus its x coordinate")
    func singleShare() throws {
        let secret: [UInt8] = Array(repeating: 7, count: 32)
        let parts = try Shamir.split(secret, shares: 1, threshold: 1)
        #expect(try Shamir.combine(parts) == secret)
    }

    @Test("duplicate and mismatched shares are refused")
    func badShares() throws {
        let parts = try Shamir.split(Array(repeating: 1, count: 16), shares: 3, threshold: 2)
        #expect(throws: Shamir.Error.self) { try Shamir.combine([parts[0], parts[0]]) }
        #expect(throws: Shamir.Error.self) { try Shamir.combine([parts[0], Array(parts[1].dropFirst())]) }
    }

    @Test("invalid split parameters are refused")
    func badParameters() {
        #expect(throws: Shamir.Error.self) { try Shamir.split([1], shares: 2, threshold: 3) }
        #expect(throws: Shamir.Error.self) { try Shamir.split([1], shares: 256, threshold: 3) }
        #expect(throws: Shamir.Error.self) { try Shamir.split([], shares: 3, threshold: 2) }
    }

    @Test("GF(256) multiplication has inverses for every non-zero element")
    func fieldInverses() {
        for value in 1...255 {
            #expect(GF256.multiply(UInt8(value), GF256.inverse(UInt8(value))) == 1)
        }
    }
}
