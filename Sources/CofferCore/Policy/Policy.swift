/// A named ACL policy: its text as written and its rules, compiled once on write.
package struct Policy: Sendable, Equatable {
    package var name: String
    package var text: String
    package var rules: [PolicyRule]

    /// Names are lowercased on write and on lookup (spec/jwt-auth.md §5.8).
    package static func normalize(_ name: String) -> String {
        name.lowercased()
    }
}
