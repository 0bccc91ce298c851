import Crypto
import Foundation

/// The barrier's data keys by term; new writes use the active term, old terms still
/// decrypt. It also carries what `sys/key-status` and automatic rotation need: when
/// each term was installed, how many encryptions the active term had done when the
/// keyring was last stored, and the rotation policy (Vault keeps these in its keyring
/// too, so that they move with it).
struct Keyring: Sendable {
    private(set) var keys: [UInt32: SymmetricKey]
    private(set) var activeTerm: UInt32
    private(set) var installTimes: [UInt32: Date]
    /// Encryptions under the active term as of the last time the keyring was stored.
    var storedEncryptions: UInt64
    var rotation: KeyRotationConfig
    /// The active key, kept beside the table so the write path needs no lookup.
    let activeKey: SymmetricKey

    /// A keyring with one fresh AES-256 key at term 1.
    static func fresh(now: Date) -> Keyring {
        let key = SymmetricKey(size: .bits256)
        return Keyring(keys: [1: key], activeTerm: 1, installTimes: [1: now], storedEncryptions: 0, rotation: KeyRotationConfig())
    }

    /// The lowest term and its key: term 1 of every keyring, since terms are never removed.
    var firstKey: (term: UInt32, key: SymmetricKey) {
        let term = keys.keys.min() ?? activeTerm
        return (term, keys[term] ?? activeKey)
    }

    var activeInstallTime: Date { installTimes[activeTerm] ?? Date(timeIntervalSince1970: 0) }

    /// The next keyring: a new key, active from now, with the encryption count at zero.
    /// Rotation stops at the last term the ciphertext header can name.
    func rotated(now: Date) throws -> Keyring {
        guard activeTerm < UInt32.max else { throw BarrierError.corrupt }
        let term = activeTerm + 1
        var keys = keys, installTimes = installTimes
        keys[term] = SymmetricKey(size: .bits256)
        installTimes[term] = now
        return Keyring(keys: keys, activeTerm: term, installTimes: installTimes, storedEncryptions: 0, rotation: rotation)
    }

    private struct Stored: Codable {
        var activeTerm: UInt32
        var keys: [String: String]
        // Absent in keyrings written before rotation was exposed.
        var installTimes: [String: Double]?
        var encryptions: UInt64?
        var rotation: KeyRotationConfig.Stored?
    }

    func serialized() throws -> Data {
        let stored = Stored(
            activeTerm: activeTerm,
            keys: Dictionary(
                uniqueKeysWithValues: keys.map { term, key in
                    (String(term), key.withUnsafeBytes { Data($0).base64EncodedString() })
                }),
            installTimes: Dictionary(uniqueKeysWithValues: installTimes.map { (String($0.key), $0.value.timeIntervalSince1970) }),
            encryptions: storedEncryptions,
            rotation: rotation.stored
        )
        return try JSONEncoder().encode(stored)
    }

    /// Reads a stored keyring; anything malformed is `corrupt`, never a trap.
    init(serialized data: Data) throws {
        let stored: Stored
        do {
            stored = try JSONDecoder().decode(Stored.self, from: data)
        } catch {
            throw BarrierError.corrupt
        }
        var keys: [UInt32: SymmetricKey] = [:]
        for (term, encoded) in stored.keys {
            guard let term = UInt32(term), let bytes = Data(base64Encoded: encoded), bytes.count == 32 else {
                throw BarrierError.corrupt
            }
            keys[term] = SymmetricKey(data: bytes)
        }
        var installTimes: [UInt32: Date] = [:]
        for (term, seconds) in stored.installTimes ?? [:] {
            guard let term = UInt32(term), seconds.isFinite else { throw BarrierError.corrupt }
            installTimes[term] = Date(timeIntervalSince1970: seconds)
        }
        guard keys[stored.activeTerm] != nil else { throw BarrierError.corrupt }
        self.init(
            keys: keys, activeTerm: stored.activeTerm, installTimes: installTimes,
            storedEncryptions: stored.encryptions ?? 0, rotation: try KeyRotationConfig(stored: stored.rotation)
        )
    }

    private init(
        keys: [UInt32: SymmetricKey], activeTerm: UInt32, installTimes: [UInt32: Date], storedEncryptions: UInt64,
        rotation: KeyRotationConfig
    ) {
        self.keys = keys
        self.activeTerm = activeTerm
        self.installTimes = installTimes
        self.storedEncryptions = storedEncryptions
        self.rotation = rotation
        // Callers make sure the active term has a key; an empty key would fail every seal.
        self.activeKey = keys[activeTerm] ?? SymmetricKey(data: Data())
    }
}
