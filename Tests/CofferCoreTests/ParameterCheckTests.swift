import CofferEncoding
import CofferMountKit
import Testing

@testable import CofferCore

/// `allowed_parameters` / `denied_parameters` see every key a request sends (issue 12,
/// item 3), asked through the ACL's own decision.
@Suite struct ParameterCheckTests {
    /// The decision on an update of `kv/app` under one rule with `body` in it.
    static func decide(_ body: String, _ parameters: [String: JSONValue]) throws -> ACLDecision {
        let policy = try PolicyParser.parse(name: "p", text: "path \"kv/app\" {\n capabilities = [\"update\"]\n \(body)\n}")
        return ACL(policies: [policy]).decide(ACLRequest(path: "kv/app", capability: .update, parameters: parameters))
    }

    @Test("a denied value sent under a second spelling of an allowed key is refused")
    func deniedValueUnderOtherCase() throws {
        let rule = #"denied_parameters = { "ttl" = ["8760h"] }"#
        // Repeated so that whichever key a dictionary yields first, both orders are tried.
        for _ in 0..<20 {
            #expect(try Self.decide(rule, ["TTL": "1h", "ttl": "8760h"]).failedCheck?.name == "denied_parameters")
            #expect(try Self.decide(rule, ["ttl": "1h", "TTL": "8760h"]).failedCheck?.name == "denied_parameters")
        }
        #expect(try Self.decide(rule, ["TTL": "1h", "ttl": "2h"]).isAllowed)
    }

    @Test("every spelling of a key must carry an allowed value")
    func allowedEveryKey() throws {
        let rule = #"allowed_parameters = { "env" = ["dev"] }"#
        for _ in 0..<20 {
            #expect(try Self.decide(rule, ["env": "dev", "ENV": "prod"]).failedCheck?.name == "allowed_parameters")
            #expect(try Self.decide(rule, ["Env": "prod", "env": "dev"]).failedCheck?.name == "allowed_parameters")
        }
        #expect(try Self.decide(rule, ["env": "dev", "ENV": "dev"]).isAllowed)
    }

    @Test("a key that differs from an allowed one only by Unicode normalisation is not allowed")
    func unicodeKeysCompareAsBytes() throws {
        let rule = "allowed_parameters = { \"caf\u{E9}\" = [] }"
        #expect(try Self.decide(rule, ["caf\u{E9}": "x"]).isAllowed)
        #expect(try Self.decide(rule, ["cafe\u{301}": "x"]).failedCheck?.name == "allowed_parameters")
    }

    @Test("a denied \"*\" refuses any parameter; an empty allowed map restricts nothing")
    func starAndEmpty() throws {
        let denyAll = #"denied_parameters = { "*" = ["x"] }"#
        #expect(try Self.decide(denyAll, ["a": "b"]).failedCheck?.name == "denied_parameters")
        #expect(try Self.decide(denyAll, [:]).isAllowed)
        #expect(try Self.decide("allowed_parameters = {}", ["a": "b"]).isAllowed)
    }

    @Test("value globs: prefix, suffix and both, compared as bytes")
    func globs() throws {
        let rule = #"allowed_parameters = { "a" = ["pre*", "*suf", "*mid*"] }"#
        #expect(try Self.decide(rule, ["a": "prefix"]).isAllowed)
        #expect(try Self.decide(rule, ["a": "the-suf"]).isAllowed)
        #expect(try Self.decide(rule, ["a": "a-mid-b"]).isAllowed)
        #expect(try Self.decide(rule, ["a": "other"]).failedCheck?.name == "allowed_parameters")
    }

    @Test("required keys are checked first, by their lowercase spelling")
    func requiredFirst() throws {
        let rule = "required_parameters = [\"owner\"]\n denied_parameters = { \"secret\" = [] }"
        let missing = try Self.decide(rule, ["secret": "x"])
        #expect(missing.failedCheck?.name == "required_parameters")
        #expect(missing.failedCheck?.actual == "\"owner\" not sent")
        #expect(try Self.decide(rule, ["owner": "me", "secret": "x"]).failedCheck?.name == "denied_parameters")
    }

    @Test("a refusal names the key, never the value sent")
    func noValuesInDecision() throws {
        let decision = try Self.decide(#"denied_parameters = { "password" = [] }"#, ["password": "hunter2-value"])
        #expect(!decision.isAllowed)
        #expect(!decision.checks.contains { $0.expected.contains("hunter2") || $0.actual.contains("hunter2") })
    }
}
