import Crypto
import CofferMountKit
import Foundation

/// Random identifiers in the spellings Vault uses.
package enum UUIDs {
    /// A lowercase random UUID, as Vault writes request IDs.
    package static func make() -> String { UUID().uuidString.lowercased() }

    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// `count` random base62 characters (token bodies and accessors), from one draw
    /// of BoringSSL's CSPRNG; bytes of 248 or more are dropped so every character is
    /// equally likely.
    package static func base62(_ count: Int) -> String {
        var characters: [Character] = []
        characters.reserveCapacity(count)
        while characters.count < count {
            let random = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
            for byte in random where byte < 248 && characters.count < count {
                characters.append(base62[Int(byte % 62)])
            }
        }
        return String(characters)
    }

    /// `count` random bytes as lowercase hex (mount accessors, cluster names).
    package static func hex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
