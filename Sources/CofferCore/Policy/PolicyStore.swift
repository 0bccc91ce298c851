import CofferMountKit
import Foundation
import Synchronization

/// Stores ACL policies behind the barrier and keeps each one compiled in memory,
/// so that a request's check parses nothing.
package final class PolicyStore: Sendable {
    private static let prefix = "sys/policy/"

    /// What is stored per policy: the text as written, plus bookkeeping.
    struct Stored: Codable {
        var name: String
        var text: String
        var version: Int
        var modified: Date
    }

    private let barrier: SecurityBarrier
    /// Compiled policies by name; replaced on load and on each write.
    private let compiled = Mutex<[String: (policy: Policy, stored: Stored)]>([:])

    /// The time a policy write records as its modification time.
    private let clock: @Sendable () -> Date
    /// Tokens' compiled ACLs; emptied by every policy change here and every
    /// identity change in the identity store.
    let acls: ACLCache

    init(barrier: SecurityBarrier, clock: @escaping @Sendable () -> Date, acls: ACLCache) {
        self.clock = clock
        self.barrier = barrier
        self.acls = acls
    }

    /// Loads every policy after unseal, creating `default` on first use.
    func load() async throws {
        var loaded: [String: (Policy, Stored)] = [:]
        for name in try await barrier.list(prefix: Self.prefix) where !name.hasSuffix("/") {
            guard let data = try await barrier.get(Self.prefix + name) else { continue }
            let stored = try JSONDecoder().decode(Stored.self, from: data)
            loaded[stored.name] = (try PolicyParser.parse(name: stored.name, text: stored.text), stored)
        }
        compiled.withLock { $0 = loaded }
        acls.invalidate()
        if loaded["default"] == nil {
            _ = try await put(name: "default", text: DefaultPolicy.text)
        }
    }

    func unload() {
        compiled.withLock { $0 = [:] }
        acls.invalidate()
    }

    package func names() -> [String] {
        (compiled.withLock { Array($0.keys) } + ["root"]).sorted()
    }

    package func get(_ name: String) -> (policy: Policy, version: Int, modified: Date)? {
        let key = Policy.normalize(name)
        if key == "root" { return (Policy(name: "root", text: "", rules: []), 0, Date(timeIntervalSince1970: 0)) }
        return compiled.withLock { $0[key] }.map { ($0.policy, $0.stored.version, $0.stored.modified) }
    }

    /// Parses, stores and compiles a policy; the stored text is exactly what was sent.
    package func put(name: String, text: String) async throws -> Policy {
        let key = Policy.normalize(name)
        guard !key.isEmpty else { throw CoreError.badRequest("policy name must be provided") }
        guard key != "root" else { throw CoreError.badRequest("cannot update \"root\" policy") }
        let policy: Policy
        do {
            policy = try PolicyParser.parse(name: key, text: text)
        } catch let error as PolicyParser.Error {
            throw CoreError.badRequest(error.description)
        }
        let version = (compiled.withLock { $0[key]?.stored.version } ?? 0) + 1
        let stored = Stored(name: key, text: text, version: version, modified: clock())
        try await barrier.put(Self.prefix + key, try JSONEncoder().encode(stored))
        compiled.withLock { $0[key] = (policy, stored) }
        acls.invalidate()
        return policy
    }

    package func delete(_ name: String) async throws {
        let key = Policy.normalize(name)
        if key == "root" { throw CoreError.badRequest("cannot delete \"root\" policy") }
        if key == "default" { throw CoreError.badRequest("cannot delete default policy") }
        try await barrier.delete(Self.prefix + key)
        _ = compiled.withLock { $0.removeValue(forKey: key) }
        acls.invalidate()
    }

    /// The ACL of a token: its policies, its entity's and its groups', and the
    /// entity for templated rules (a disabled entity's tokens are refused before
    /// this). Built once per policy names and entity, then cached until a policy
    /// or an identity changes.
    package func acl(for token: TokenEntry, identity: IdentityStore) -> ACL {
        acls.acl(ACLCache.Key(policies: token.policies, entityID: token.entityID)) {
            guard let context = identity.context(entityID: token.entityID) else { return acl(for: token.policies) }
            let joined = context.policies
            return acl(for: joined.isEmpty ? token.policies : token.policies + joined, identity: context)
        }
    }

    /// The merged ACL of a token's policies; unknown names grant nothing.
    package func acl(for names: [String], identity: IdentityContext? = nil) -> ACL {
        let policies: [Policy] = compiled.withLock { table in
            names.compactMap { name in
                let key = Policy.normalize(name)
                if key == "root" { return Policy(name: "root", text: "", rules: []) }
                if key == ResponseWrapper.policyName { return Self.wrappingPolicy }
                return table[key]?.policy
            }
        }
        return ACL(policies: policies, identity: identity)
    }

    /// Wrapping tokens may unwrap and do nothing else; the policy is built in and
    /// neither stored nor listed.
    static let wrappingPolicy = Policy(
        name: ResponseWrapper.policyName, text: "",
        rules: [
            PolicyRule(path: "sys/wrapping/unwrap", isPrefix: false, capabilities: .update, parameters: ParameterConstraints())
        ])
}
