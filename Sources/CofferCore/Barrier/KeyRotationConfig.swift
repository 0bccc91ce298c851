import Foundation

/// When the barrier's active key is rotated without an operator asking
/// (`sys/rotate/config`): after `maxOperations` encryptions, or once it is
/// `interval` old. Limits and messages are OpenBao's.
struct KeyRotationConfig: Sendable, Equatable {
    /// AES-GCM with random 96-bit nonces stays within NIST's collision bound for
    /// 2^32 encryptions under one key; Vault rotates at about 90 % of that.
    static let maximumOperations: Int64 = 3_865_470_566
    static let minimumOperations: Int64 = 1_000_000
    static let minimumInterval: Int64 = 24 * 3600

    var enabled = true
    var maxOperations = Self.maximumOperations
    /// Seconds; 0 means no time-based rotation.
    var interval: Int64 = 0

    /// Whether a key installed at `installedAt` that has done `encryptions` is due.
    func isDue(encryptions: UInt64, installedAt: Date, now: Date) -> Bool {
        guard enabled else { return false }
        if maxOperations > 0, encryptions >= UInt64(maxOperations) { return true }
        return interval > 0 && now.timeIntervalSince(installedAt) >= Double(interval)
    }

    /// Checks a requested change; the message is what OpenBao answers.
    static func validate(maxOperations: Int64?, interval: Int64?) -> String? {
        if let maxOperations, !(minimumOperations...maximumOperations).contains(maxOperations) {
            return "max_operations must be in the range [\(minimumOperations),\(maximumOperations)]"
        }
        if let interval, interval != 0, interval < minimumInterval {
            return "interval must be greater or equal to 24h0m0s"
        }
        return nil
    }

    struct Stored: Codable {
        var enabled: Bool
        var maxOperations: Int64
        var interval: Int64
    }

    var stored: Stored { Stored(enabled: enabled, maxOperations: maxOperations, interval: interval) }

    init() {}

    /// From the keyring; values outside the limits are refused as corrupt.
    init(stored: Stored?) throws {
        guard let stored else { return }
        guard Self.validate(maxOperations: stored.maxOperations, interval: stored.interval) == nil else { throw BarrierError.corrupt }
        enabled = stored.enabled
        maxOperations = stored.maxOperations
        interval = stored.interval
    }
}
