import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 network (`10.0.0.0/8`, `fd00::/8`, or a bare address as /32 or
/// /128), for `bound_cidrs`-style restrictions on where a client may come from.
package struct CIDRBlock: Sendable, Equatable, CustomStringConvertible {
    private let network: [UInt8]
    private let prefixLength: Int
    package let description: String

    /// Parses `address/prefix`; nil when it is not a valid CIDR block or address.
    package init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = Self.parseAddress(first) else { return nil }
        let maximum = bytes.count * 8
        let length: Int
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...maximum).contains(value) else { return nil }
            length = value
        } else {
            length = maximum
        }
        network = Self.masked(bytes, length)
        prefixLength = length
        description = text
    }

    /// Whether `address` (an IP in text form) lies in this block. An IPv4 address
    /// given as IPv4-mapped IPv6 (`::ffff:10.0.0.1`) counts as IPv4.
    package func contains(_ address: String) -> Bool {
        guard var bytes = Self.parseAddress(address) else { return false }
        if bytes.count == 16, network.count == 4, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == network.count else { return false }
        return Self.masked(bytes, prefixLength) == network
    }

    /// Whether every address of `other` lies in this block: same family, a
    /// prefix at least as long, the same network under this block's prefix.
    package func contains(_ other: CIDRBlock) -> Bool {
        other.network.count == network.count && other.prefixLength >= prefixLength
            && Self.masked(other.network, prefixLength) == network
    }

    /// Whether `address` lies in any of `blocks` (text; unparsable ones match
    /// nothing). No address matches nothing.
    package static func anyContains(_ blocks: [String], _ address: String?) -> Bool {
        guard let address else { return false }
        return blocks.contains { CIDRBlock($0)?.contains(address) == true }
    }

    private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = max(0, min(8, length - index * 8))
            return bits == 8 ? byte : byte & UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
        }
    }

    private static func parseAddress(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
