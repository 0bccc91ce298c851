import CofferMountKit
import Testing

@testable import CofferCore

/// What an `ACLDecision` says beyond allowed or not: which policies wrote the
/// deciding rule, which rules it outranked and why, and each check it ran.
@Suite struct ACLDecisionTests {
    static func acl(_ policies: [(name: String, text: String)]) throws -> ACL {
        ACL(policies: try policies.map { try PolicyParser.parse(name: $0.name, text: $0.text) })
    }

    @Test("a root token is allowed with no rule consulted")
    func rootShortCircuit() throws {
        let acl = ACL(policies: [Policy(name: "root", text: "", rules: [])])
        let decision = acl.decide(ACLRequest(path: "sys/seal", capability: .update))
        #expect(decision.isAllowed)
        #expect(decision.isRoot)
        #expect(decision.selection == nil)
        #expect(decision.decidingPolicies == ["root"])
        #expect(decision.checks.map(\.name) == ["root"])
    }

    @Test("a rule written by two policies names both; a deny in either makes it deny")
    func mergedRuleNamesEveryPolicy() throws {
        let acl = try Self.acl([
            ("reader", #"path "secret/data/ci/*" { capabilities = ["read"] }"#),
            ("writer", #"path "secret/data/ci/*" { capabilities = ["update"] }"#),
            ("fence", #"path "secret/data/ci/staging/*" { capabilities = ["deny"] }"#),
            ("fence2", #"path "secret/data/ci/staging/*" { capabilities = ["read"] }"#),
        ])
        let grant = acl.decide(ACLRequest(path: "secret/data/ci/x", capability: .update))
        #expect(grant.isAllowed)
        #expect(grant.decidingPolicies == ["reader", "writer"])
        let deny = acl.decide(ACLRequest(path: "secret/data/ci/staging/db", capability: .read))
        #expect(!deny.isAllowed)
        #expect(deny.decidingPolicies == ["fence", "fence2"])
        #expect(deny.failedCheck?.name == "capability")
        #expect(deny.failedCheck?.actual == "deny")
        #expect(deny.selection?.outranked.map(\.rule.pattern) == ["secret/data/ci/*"])
        #expect(deny.selection?.outranked.first?.reason == .longerPrefixWins)
    }

    @Test("rules that lose say why: an exact rule, a longer prefix, or the priority step")
    func outrankedReasons() throws {
        let acl = try Self.acl([
            (
                "p",
                """
                path "secret/data/+/production/*" { capabilities = ["read"] }
                path "secret/data/ci/*" { capabilities = ["list"] }
                path "secret/data/ci/prod*" { capabilities = ["update"] }
                path "secret/data/+/+/db" { capabilities = ["create"] }
                path "secret/data/ci/production/db" { capabilities = ["delete"] }
                """
            )
        ])
        let exact = acl.decide(ACLRequest(path: "secret/data/ci/production/db", capability: .delete))
        #expect(exact.rule?.kind == .exact)
        #expect(Set(exact.selection?.outranked.map(\.reason) ?? []) == [.exactRuleWins])
        #expect(exact.selection?.outranked.count == 4)

        let wildcard = acl.decide(ACLRequest(path: "secret/data/ci/production/api", capability: .update))
        #expect(wildcard.rule?.pattern == "secret/data/ci/prod*")
        let reasons = Dictionary(uniqueKeysWithValues: (wildcard.selection?.outranked ?? []).map { ($0.rule.pattern, $0.reason) })
        #expect(
            reasons == [
                "secret/data/ci/*": .longerPrefixWins,
                "secret/data/+/production/*": .priority(.earlierWildcard),
            ])
    }

    @Test("a LIST with a trailing slash falls back to the rule without it, and says so")
    func listingFallback() throws {
        let acl = try Self.acl([("p", #"path "secret/metadata/ci" { capabilities = ["list"] }"#)])
        let decision = acl.decide(ACLRequest(path: "secret/metadata/ci/", capability: .list))
        #expect(decision.isAllowed)
        #expect(decision.selection?.matchedPath == "secret/metadata/ci")
        #expect(decision.checks.first { $0.name == "parameters" }?.outcome == .skipped)
    }

    @Test("root-protected paths need sudo beside the operation's capability")
    func sudo() throws {
        let acl = try Self.acl([
            ("ops", #"path "sys/seal" { capabilities = ["update"] }"#),
            ("admin", #"path "sys/auth/*" { capabilities = ["update", "sudo"] }"#),
        ])
        let seal = acl.decide(ACLRequest(path: "sys/seal", capability: .update))
        #expect(seal.failedCheck?.name == "sudo")
        #expect(seal.checks.map(\.name) == ["rule", "capability", "sudo"])
        let enable = acl.decide(ACLRequest(path: "sys/auth/jwt", capability: .update))
        #expect(enable.isAllowed)
        #expect(enable.checks.first { $0.name == "sudo" }?.outcome == .passed)
    }

    @Test(
        "wrapping bounds: unwrapped, too short, too long and within",
        arguments: [
            (nil, "wrapping"), (Int64(30), "min_wrapping_ttl"), (Int64(7200), "max_wrapping_ttl"), (Int64(600), nil),
        ] as [(Int64?, String?)])
    func wrapping(ttl: Int64?, failing: String?) throws {
        let acl = try Self.acl([
            (
                "w",
                """
                path "secret/data/w" {
                  capabilities = ["read"]
                  min_wrapping_ttl = "1m"
                  max_wrapping_ttl = "1h"
                }
                """
            )
        ])
        let decision = acl.decide(ACLRequest(path: "secret/data/w", capability: .read, wrapTTL: ttl))
        #expect(decision.failedCheck?.name == failing)
        #expect(decision.isAllowed == (failing == nil))
    }

    @Test("no matching rule is a failed `rule` check and nothing else")
    func noRule() throws {
        let decision = try Self.acl([("p", #"path "a/*" { capabilities = ["read"] }"#)])
            .decide(ACLRequest(path: "b/x", capability: .read))
        #expect(!decision.isAllowed)
        #expect(decision.rule == nil)
        #expect(decision.checks.map(\.name) == ["rule"])
        #expect(decision.decidingPolicies.isEmpty)
    }
}
