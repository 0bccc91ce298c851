import CoreMetrics
import Synchronization

/// Login outcomes per mount and role: `coffer_logins_total{mount, role, outcome}`.
///
/// A failed login's role is what the client sent, so it is checked before it
/// becomes a label: only a role-name-like value (letters, digits, `-_.@:+`, at
/// most 128 bytes) is used as is, anything else reads `_invalid`; and past
/// `maximumLabelSets` distinct sets, new roles read `_other`, so a client
/// sending random role names cannot grow the registry without bound.
/// Never a secret ID, a JWT or a token: only the role's name.
package final class LoginMetrics: Sendable {
    package static let label = "coffer_logins_total"
    package static let maximumLabelSets = 1024
    package static let maximumRoleLength = 128

    private struct Key: Hashable {
        let mount: String
        let role: String
        let succeeded: Bool
    }

    private let factory: any MetricsFactory
    private let counters = Mutex<[Key: CoreMetrics.Counter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Counts one login on `mount` (its route path) for `role` (nil when unknown).
    package func record(mount: String, role: String?, succeeded: Bool) {
        let key = Key(mount: mount, role: Self.roleLabel(role), succeeded: succeeded)
        if let counter = counters.withLock({ $0[key] }) {
            counter.increment()
            return
        }
        counter(for: key).increment()
    }

    private func counter(for key: Key) -> CoreMetrics.Counter {
        let full = counters.withLock { $0.count >= Self.maximumLabelSets }
        let key = full ? Key(mount: key.mount, role: "_other", succeeded: key.succeeded) : key
        if let kept = counters.withLock({ $0[key] }) { return kept }
        let made = CoreMetrics.Counter(
            label: Self.label,
            dimensions: [("mount", key.mount), ("role", key.role), ("outcome", key.succeeded ? "success" : "failure")],
            factory: factory)
        return counters.withLock { table in
            if let kept = table[key] { return kept }
            table[key] = made
            return made
        }
    }

    /// The role as a label value: empty when unknown, `_invalid` when it does not
    /// look like a role name.
    package static func roleLabel(_ role: String?) -> String {
        guard let role, !role.isEmpty else { return "" }
        guard role.utf8.count <= maximumRoleLength, role.utf8.allSatisfy(isRoleNameByte) else { return "_invalid" }
        return role
    }

    private static func isRoleNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "@"), UInt8(ascii: ":"), UInt8(ascii: "+"):
            true
        default: false
        }
    }
}
