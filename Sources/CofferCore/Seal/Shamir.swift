/// Shamir's secret sharing over GF(2^8), byte by byte.
///
/// Each share is the polynomial values for every secret byte followed by one byte,
/// the share's x coordinate: the layout Vault uses, so a 32-byte key gives 33-byte shares.
package enum Shamir {
    package struct Error: Swift.Error, CustomStringConvertible, Equatable {
        package let description: String
    }

    /// Splits `secret` into `shares` parts, any `threshold` of which recover it.
    package static func split<G: RandomNumberGenerator>(
        _ secret: [UInt8], shares: Int, threshold: Int, using generator: inout G
    ) throws -> [[UInt8]] {
        guard !secret.isEmpty else { throw Error(description: "cannot split an empty secret") }
        guard shares >= 1, shares <= 255 else { throw Error(description: "shares must be between 1 and 255") }
        guard threshold >= 1, threshold <= shares else { throw Error(description: "threshold must be between 1 and shares") }
        if threshold == 1 && shares == 1 { return [secret + [1]] }

        // Distinct non-zero x coordinates, in random order.
        var xs = Array(UInt8(1)...UInt8(255))
        xs.shuffle(using: &generator)
        let coordinates = Array(xs.prefix(shares))

        var output = coordinates.map { _ in [UInt8](repeating: 0, count: secret.count + 1) }
        for (byteIndex, secretByte) in secret.enumerated() {
            // A random polynomial of degree threshold-1 whose constant term is the byte.
            let coefficients = [secretByte] + (1..<threshold).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for (shareIndex, x) in coordinates.enumerated() {
                output[shareIndex][byteIndex] = GF256.evaluate(coefficients, at: x)
            }
        }
        for (shareIndex, x) in coordinates.enumerated() {
            output[shareIndex][secret.count] = x
        }
        return output
    }

    package static func split(_ secret: [UInt8], shares: Int, threshold: Int) throws -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        return try split(secret, shares: shares, threshold: threshold, using: &generator)
    }

    /// Recovers the secret from shares; fewer than the threshold give a wrong value,
    /// which the caller detects when the key fails to decrypt.
    package static func combine(_ parts: [[UInt8]]) throws -> [UInt8] {
        guard let length = parts.first?.count, length >= 2 else { throw Error(description: "shares are too short") }
        guard parts.allSatisfy({ $0.count == length }) else { throw Error(description: "all shares must be the same length") }
        if parts.count == 1 { return Array(parts[0].dropLast()) }
        let xs = parts.map { $0[length - 1] }
        guard Set(xs).count == xs.count else { throw Error(description: "duplicate share detected") }

        var secret = [UInt8](repeating: 0, count: length - 1)
        for byteIndex in 0..<(length - 1) {
            var value: UInt8 = 0
            for (i, xi) in xs.enumerated() {
                // Lagrange basis polynomial for xi, evaluated at 0.
                var basis: UInt8 = 1
                for (j, xj) in xs.enumerated() where j != i {
                    basis = GF256.multiply(basis, GF256.divide(xj, xj ^ xi))
                }
                value ^= GF256.multiply(parts[i][byteIndex], basis)
            }
            secret[byteIndex] = value
        }
        return secret
    }
}

/// Arithmetic in GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1.
enum GF256 {
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a, b = b, product: UInt8 = 0
        // Fixed 8 rounds, no early exit, so the time does not depend on the values.
        for _ in 0..<8 {
            product ^= a & (0 &- (b & 1))
            let carry = a >> 7
            a = (a << 1) ^ (0x1B & (0 &- carry))
            b >>= 1
        }
        return product
    }

    /// a^254 is the multiplicative inverse of a (and 0 for 0).
    static func inverse(_ a: UInt8) -> UInt8 {
        var result: UInt8 = 1, base = a, exponent = 254
        while exponent > 0 {
            if exponent & 1 == 1 { result = multiply(result, base) }
            base = multiply(base, base)
            exponent >>= 1
        }
        return result
    }

    static func divide(_ a: UInt8, _ b: UInt8) -> UInt8 {
        multiply(a, inverse(b))
    }

    /// Horner's rule over coefficients from the constant term up.
    static func evaluate(_ coefficients: [UInt8], at x: UInt8) -> UInt8 {
        var result: UInt8 = 0
        for coefficient in coefficients.reversed() {
            result = multiply(result, x) ^ coefficient
        }
        return result
    }
}
