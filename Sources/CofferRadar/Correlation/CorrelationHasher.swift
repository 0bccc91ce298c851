import Crypto
import CryptoExtras
import Foundation
import Synchronization

/// The hash of a candidate value that the scanner sends to Coffer's correlate endpoint,
/// and that Coffer computes over its stored values to answer (spec §11).
///
/// `scrypt(HMAC-SHA256(K, "coffer-radar/correlate/v1\0" + value), salt: label + key id)`.
/// Keyed, so a hash list is useless to whoever lacks `K`; slow and memory-hard (scrypt),
/// because `K` is handed to every CI job that runs radar: with it, a leaked list of
/// hashes of short or low-entropy secrets would otherwise fall to a cheap brute force.
/// HCP Radar uses Argon2id for the same reason; swift-crypto ships scrypt (BoringSSL),
/// not Argon2. The cost parameters travel with the key so the server can raise them.
public struct CorrelationHasher: Sendable {
    /// scrypt's cost: `rounds` (N, a power of two), `blockSize` (r) and `parallelism` (p).
    public struct Parameters: Sendable, Equatable, Codable {
        public var rounds: Int
        public var blockSize: Int
        public var parallelism: Int

        public init(rounds: Int, blockSize: Int, parallelism: Int) {
            self.rounds = rounds
            self.blockSize = blockSize
            self.parallelism = parallelism
        }

        /// N = 2^14, r = 8, p = 1: 16 MiB and tens of milliseconds per hash.
        public static let standard = Parameters(rounds: 1 << 14, blockSize: 8, parallelism: 1)

        /// Bounds a server may ask for: a hostile or broken server must not make the
        /// scanner allocate gigabytes or spin for minutes per value.
        public var isAcceptable: Bool {
            rounds >= 1 << 10 && rounds <= 1 << 20 && rounds & (rounds - 1) == 0 && (1...32).contains(blockSize)
                && (1...4).contains(parallelism) && 128 * rounds * blockSize * parallelism <= 512 * 1024 * 1024
        }
    }

    static let label = "coffer-radar/correlate/v1"

    public let hashKey: RadarHashKey
    public let parameters: Parameters

    /// Nil when the parameters are out of bounds.
    public init?(hashKey: RadarHashKey, parameters: Parameters = .standard) {
        guard parameters.isAcceptable else { return nil }
        self.hashKey = hashKey
        self.parameters = parameters
    }

    /// Hex of the hash of `value` (normalised as value hashes are, spec §9); nil if scrypt fails.
    public func hash<C: Collection>(_ value: C) -> String? where C.Element == UInt8 {
        var message = Array(Self.label.utf8)
        message.append(0)
        message += RadarHashKey.normalise(Array(value))
        let password = Array(HMAC<SHA256>.authenticationCode(for: message, using: hashKey.key))
        let salt = Array(Self.label.utf8) + Array(hashKey.keyID.utf8)
        guard
            let derived = try? KDF.Scrypt.deriveKey(
                from: password, salt: salt, outputByteCount: 32, rounds: parameters.rounds,
                blockSize: parameters.blockSize, parallelism: parameters.parallelism)
        else { return nil }
        return derived.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
    }

    /// Hashes of every value, computed on all cores (each hash is deliberately slow).
    public func hashAll(_ values: [[UInt8]]) -> [String?] {
        let results = Mutex([String?](repeating: nil, count: values.count))
        DispatchQueue.concurrentPerform(iterations: values.count) { index in
            let hashed = hash(values[index])
            results.withLock { $0[index] = hashed }
        }
        return results.withLock { $0 }
    }
}
