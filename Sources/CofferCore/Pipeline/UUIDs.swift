import CofferMountKit
import Foundation

/// Random identifiers in the spellings Vault uses.
package enum UUIDs {
    /// A lowercase random UUID, as Vault writes request IDs.
    package static func make() -> String { UUID().uuidString.lowercased() }

    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// `count` random base62 characters (token bodies and accessors).
    package static func base62(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in base62.randomElement(using: &generator)! })
    }

    /// `count` random bytes as lowercase hex (mount accessors, cluster names).
    package static func hex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
