@testable import CofferCore
import CofferMountKit
import Foundation
import Testing

/// The rule-selection table of spec/jwt-auth.md §5.3-5.4, from Tests/Fixtures/acl-cases.json
/// (the same file scripts/acl-compare-openbao runs against a real OpenBao).
@Suite struct ACLTableTests {
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        let name: String
        let policies: [String]
        let path: String
        let operation: String
        let allowed: Bool
        let capabilities: [String]?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/acl-cases.json")
        struct File: Decodable { let cases: [Case] }
        // A missing or broken fixture must fail the suite, not empty it.
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }()

    @Test("the table has at least 40 cases")
    func tableSize() {
        #expect(Self.cases.count >= 40)
    }

    @Test("each case gets the decision OpenBao gives", arguments: cases)
    func decision(_ testCase: Case) throws {
        var policies = try testCase.policies.enumerated().map { index, text in
            try PolicyParser.parse(name: "p\(index)", text: text)
        }
        policies.append(try PolicyParser.parse(name: "default", text: DefaultPolicy.text))
        let acl = ACL(policies: policies)

        let needed: Capabilities = switch testCase.operation {
        case "read": .read
        case "list": .list
        case "create": .create
        case "update": .update
        case "delete": .delete
        case "patch": .patch
        default: .sudo
        }
        let listing = testCase.operation == "list"
        // The HTTP layer gives every LIST path a trailing slash before the ACL sees it.
        let path = listing && !testCase.path.hasSuffix("/") ? testCase.path + "/" : testCase.path
        let rule = acl.rule(for: path, listing: listing)
        let allowed = rule.map { !$0.capabilities.contains(.deny) && $0.capabilities.contains(needed) } ?? false
        #expect(allowed == testCase.allowed)
        if let expected = testCase.capabilities {
            #expect(acl.capabilities(on: testCase.path).sortedNames == expected)
        }
    }
}

@Suite struct PolicyParserTests {
    @Test("an unknown capability is refused with OpenBao's message")
    func unknownCapability() {
        #expect(throws: PolicyParser.Error(description: "failed to parse policy: path \"secret/*\": path \"secret/*\": invalid capability \"fly\"")) {
            try PolicyParser.parse(name: "x", text: "path \"secret/*\" { capabilities = [\"fly\"] }")
        }
    }

    @Test("syntax errors name the line and column")
    func syntaxErrorPosition() {
        do {
            _ = try PolicyParser.parse(name: "x", text: "path \"a\" {\n  capabilities = [\"read\"\n}")
            Issue.record("expected a parse error")
        } catch {
            #expect(String(describing: error).contains("At 3:"))
        }
    }

    @Test("+* is forbidden; unknown keys are refused")
    func invalidForms() {
        #expect(throws: PolicyParser.Error.self) { try PolicyParser.parse(name: "x", text: "path \"secret/data/+*\" { capabilities = [\"read\"] }") }
        #expect(throws: PolicyParser.Error.self) { try PolicyParser.parse(name: "x", text: "path \"a\" { capabilities = [\"read\"] foo = 1 }") }
        #expect(throws: PolicyParser.Error.self) { try PolicyParser.parse(name: "x", text: "foo = 1") }
    }

    @Test("the JSON form means the same as the HCL form")
    func jsonForm() throws {
        let json = try PolicyParser.parse(name: "j", text: #"{"path": {"secret/data/j/*": {"capabilities": ["read"]}, "secret/metadata/j/*": {"capabilities": ["list"]}}}"#)
        let hcl = try PolicyParser.parse(name: "j", text: "path \"secret/data/j/*\" { capabilities = [\"read\"] }\npath \"secret/metadata/j/*\" { capabilities = [\"list\"] }")
        #expect(Set(json.rules.map(\.pattern)) == Set(hcl.rules.map(\.pattern)))
        #expect(ACL(policies: [json]).capabilities(on: "secret/data/j/x") == .read)
    }

    @Test("parameter constraints: denied, required and allowed with globs")
    func parameters() throws {
        let policy = try PolicyParser.parse(name: "p", text: """
            path "kv/app" {
              capabilities = ["create", "update"]
              allowed_parameters = { "env" = ["dev", "stag*"], "owner" = [] }
              denied_parameters = { "secret" = [] }
              required_parameters = ["owner"]
            }
            """)
        let constraints = try #require(policy.rules.first?.parameters)
        #expect(ParameterCheck.allows(constraints, ["env": "dev", "owner": "me"]))
        #expect(ParameterCheck.allows(constraints, ["ENV": "staging", "owner": "me"]))
        #expect(!ParameterCheck.allows(constraints, ["env": "prod", "owner": "me"]))
        #expect(!ParameterCheck.allows(constraints, ["other": "x", "owner": "me"]))
        #expect(!ParameterCheck.allows(constraints, ["env": "dev"]))
        #expect(!ParameterCheck.allows(constraints, ["secret": "x", "owner": "me"]))
    }
}
