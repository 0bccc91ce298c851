import CofferRadar
import Foundation

/// The radar correlation key as stored behind the barrier (spec §11): 32 random bytes and
/// the scrypt cost every hash under it uses, so raising the cost is a rotation.
struct RadarKeyRecord: Codable, Sendable {
    static let storagePath = "core/radar/key"

    let key: Data
    let created: Date
    let rounds: Int
    let blockSize: Int
    let parallelism: Int

    static func fresh(at now: Date) -> RadarKeyRecord {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let cost = CorrelationHasher.Parameters.standard
        return RadarKeyRecord(
            key: Data(bytes), created: now, rounds: cost.rounds, blockSize: cost.blockSize, parallelism: cost.parallelism)
    }

    /// Nil when the stored record is damaged (wrong length, cost out of bounds).
    var hasher: CorrelationHasher? {
        guard let hashKey = RadarHashKey(bytes: Array(key)) else { return nil }
        return CorrelationHasher(
            hashKey: hashKey, parameters: .init(rounds: rounds, blockSize: blockSize, parallelism: parallelism))
    }
}
