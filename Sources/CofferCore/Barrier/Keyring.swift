import Crypto
import Foundation

/// The barrier's data keys by term; new writes use the active term, old terms still decrypt.
struct Keyring: Sendable {
    private(set) var keys: [UInt32: SymmetricKey]
    private(set) var activeTerm: UInt32

    /// A keyring with one fresh AES-256 key at term 1.
    static func fresh() -> Keyring {
        Keyring(keys: [1: SymmetricKey(size: .bits256)], activeTerm: 1)
    }

    var activeKey: SymmetricKey { keys[activeTerm]! }

    /// Adds a new key and makes it the active one (key rotation).
    mutating func rotate() {
        activeTerm += 1
        keys[activeTerm] = SymmetricKey(size: .bits256)
    }

    private struct Stored: Codable {
        var activeTerm: UInt32
        var keys: [String: String]
    }

    func serialized() throws -> Data {
        let stored = Stored(
            activeTerm: activeTerm,
            keys: Dictionary(uniqueKeysWithValues: keys.map { term, key in
                (String(term), key.withUnsafeBytes { Data($0).base64EncodedString() })
            })
        )
        return try JSONEncoder().encode(stored)
    }

    init(serialized data: Data) throws {
        let stored = try JSONDecoder().decode(Stored.self, from: data)
        var keys: [UInt32: SymmetricKey] = [:]
        for (term, encoded) in stored.keys {
            guard let term = UInt32(term), let bytes = Data(base64Encoded: encoded) else {
                throw BarrierError.corrupt
            }
            keys[term] = SymmetricKey(data: bytes)
        }
        guard keys[stored.activeTerm] != nil else { throw BarrierError.corrupt }
        self.init(keys: keys, activeTerm: stored.activeTerm)
    }

    private init(keys: [UInt32: SymmetricKey], activeTerm: UInt32) {
        self.keys = keys
        self.activeTerm = activeTerm
    }
}
