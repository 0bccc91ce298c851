import Crypto
import Foundation

/// The key `K` of spec §9: value hashes and finding ids are HMAC-SHA256 under it.
public struct RadarHashKey: Sendable {
    let key: SymmetricKey
    /// First 8 bytes of `HMAC(K, "key-id")`, hex; recorded in baselines to detect a key mismatch.
    public let keyID: String

    /// A key from its 32 raw bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.init(checkedBytes: bytes)
    }

    private init(checkedBytes bytes: [UInt8]) {
        key = SymmetricKey(data: bytes)
        let tag = HMAC<SHA256>.authenticationCode(for: Array("key-id".utf8), using: key)
        keyID = Data(tag).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// A key from standard base64 of 32 bytes (`$COFFER_RADAR_HASH_KEY`, `--hash-key-file` content).
    public init?(base64: String) {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        self.init(bytes: Array(data))
    }

    /// A fresh random key (the "local key at first use" case).
    public static func random() -> RadarHashKey {
        var generator = SystemRandomNumberGenerator()
        return RadarHashKey(checkedBytes: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Standard base64 of the key bytes, for writing a local key file.
    public var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }

    /// `hex(HMAC-SHA256(K, "coffer-radar/v1\0" + normalised value))`.
    public func valueHash<C: Collection>(_ value: C) -> String where C.Element == UInt8 {
        let normalised = Self.normalise(Array(value))
        var message = Array("coffer-radar/v1".utf8)
        message.append(0)
        message += normalised
        return hex(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }

    /// `hex(HMAC-SHA256(K, "last4\0" + last four characters))` (spec §11): what CircleCI's masked
    /// project variables (`xxxx1a2b`) can be compared by. Weak evidence: four characters.
    public func last4Hash(_ lastFour: String) -> String? {
        guard lastFour.count == 4 else { return nil }
        return hex(HMAC<SHA256>.authenticationCode(for: Array("last4".utf8) + [0] + Array(lastFour.utf8), using: key))
    }

    /// Stable finding id: first 16 hex of `HMAC(K, rule_id ‖ 0 ‖ value_hash ‖ 0 ‖ path)`.
    public func findingID(ruleID: String, valueHash: String, path: String) -> String {
        let message = Array(ruleID.utf8) + [0] + Array(valueHash.utf8) + [0] + Array(path.utf8)
        return String(hex(HMAC<SHA256>.authenticationCode(for: message, using: key)).prefix(16))
    }

    /// Surrounding quotes and whitespace trimmed; no case folding (secrets are case-sensitive).
    static func normalise(_ value: [UInt8]) -> [UInt8] {
        let trim: Set<UInt8> = Set(" \t\r\n\"'`".utf8)
        var slice = value[...]
        while let first = slice.first, trim.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, trim.contains(last) { slice = slice.dropLast() }
        return Array(slice)
    }

    private func hex(_ code: HMAC<SHA256>.MAC) -> String {
        code.map { String(format: "%02x", $0) }.joined()
    }
}
