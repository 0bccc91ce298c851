/// The capabilities a policy rule grants (spec/jwt-auth.md §5.2).
package struct Capabilities: OptionSet, Sendable, Hashable, Codable {
    package let rawValue: UInt16
    package init(rawValue: UInt16) { self.rawValue = rawValue }

    package static let create = Capabilities(rawValue: 1 << 0)
    package static let read = Capabilities(rawValue: 1 << 1)
    package static let update = Capabilities(rawValue: 1 << 2)
    package static let patch = Capabilities(rawValue: 1 << 3)
    package static let delete = Capabilities(rawValue: 1 << 4)
    package static let list = Capabilities(rawValue: 1 << 5)
    package static let scan = Capabilities(rawValue: 1 << 6)
    package static let sudo = Capabilities(rawValue: 1 << 7)
    package static let deny = Capabilities(rawValue: 1 << 8)
    /// Only the built-in `root` policy has it: everything is allowed.
    package static let root = Capabilities(rawValue: 1 << 9)

    /// The names in OpenBao's spelling, in the order capability lists are sorted by.
    static let names: [(String, Capabilities)] = [
        ("create", .create), ("delete", .delete), ("deny", .deny), ("list", .list), ("patch", .patch),
        ("read", .read), ("root", .root), ("scan", .scan), ("sudo", .sudo), ("update", .update),
    ]

    /// Parses one capability name as policies write it; nil for an unknown one.
    init?(name: String) {
        guard name != "root", let match = Self.names.first(where: { $0.0 == name }) else { return nil }
        self = match.1
    }

    /// Sorted names, as `sys/capabilities` answers; `deny` alone when nothing is granted.
    package var sortedNames: [String] {
        if contains(.root) { return ["root"] }
        if contains(.deny) || isEmpty { return ["deny"] }
        return Self.names.filter { contains($0.1) }.map(\.0)
    }
}
