@testable import CofferCore
import CofferMountKit
import Testing

/// `allowed_parameters` / `denied_parameters` see every key a request sends (issue 12, item 3).
@Suite struct ParameterCheckTests {
    static func constraints(_ body: String) throws -> ParameterConstraints {
        let policy = try PolicyParser.parse(name: "p", text: "path \"kv/app\" {\n capabilities = [\"update\"]\n \(body)\n}")
        return try #require(policy.rules.first?.parameters)
    }

    @Test("a denied value sent under a second spelling of an allowed key is refused")
    func deniedValueUnderOtherCase() throws {
        let rule = try Self.constraints(#"denied_parameters = { "ttl" = ["8760h"] }"#)
        // Repeated so that whichever key a dictionary yields first, both orders are tried.
        for _ in 0..<20 {
            #expect(!ParameterCheck.allows(rule, ["TTL": "1h", "ttl": "8760h"]))
            #expect(!ParameterCheck.allows(rule, ["ttl": "1h", "TTL": "8760h"]))
        }
        #expect(ParameterCheck.allows(rule, ["TTL": "1h", "ttl": "2h"]))
    }

    @Test("every spelling of a key must carry an allowed value")
    func allowedEveryKey() throws {
        let rule = try Self.constraints(#"allowed_parameters = { "env" = ["dev"] }"#)
        for _ in 0..<20 {
            #expect(!ParameterCheck.allows(rule, ["env": "dev", "ENV": "prod"]))
            #expect(!ParameterCheck.allows(rule, ["Env": "prod", "env": "dev"]))
        }
        #expect(ParameterCheck.allows(rule, ["env": "dev", "ENV": "dev"]))
    }

    @Test("a key that differs from an allowed one only by Unicode normalisation is not allowed")
    func unicodeKeysCompareAsBytes() throws {
        let rule = try Self.constraints("allowed_parameters = { \"caf\u{E9}\" = [] }")
        #expect(ParameterCheck.allows(rule, ["caf\u{E9}": "x"]))
        #expect(!ParameterCheck.allows(rule, ["cafe\u{301}": "x"]))
    }

    @Test("a denied \"*\" refuses any parameter; an empty allowed map restricts nothing")
    func starAndEmpty() throws {
        let denyAll = try Self.constraints(#"denied_parameters = { "*" = ["x"] }"#)
        #expect(!ParameterCheck.allows(denyAll, ["a": "b"]))
        #expect(ParameterCheck.allows(denyAll, [:]))
        let emptyAllowed = try Self.constraints("allowed_parameters = {}")
        #expect(ParameterCheck.allows(emptyAllowed, ["a": "b"]))
    }

    @Test("value globs: prefix, suffix and both, compared as bytes")
    func globs() throws {
        let rule = try Self.constraints(#"allowed_parameters = { "a" = ["pre*", "*suf", "*mid*"] }"#)
        #expect(ParameterCheck.allows(rule, ["a": "prefix"]))
        #expect(ParameterCheck.allows(rule, ["a": "the-suf"]))
        #expect(ParameterCheck.allows(rule, ["a": "a-mid-b"]))
        #expect(!ParameterCheck.allows(rule, ["a": "other"]))
    }
}
