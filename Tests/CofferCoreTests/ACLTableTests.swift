import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferCore

/// The rule-selection table of spec/jwt-auth.md §5.3-5.4, from Tests/Fixtures/acl-cases.json
/// (the same file scripts/acl-compare-openbao runs against a real OpenBao).
@Suite struct ACLTableTests {
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        /// The rule that decides (as written), its kind and the policies that wrote
        /// it (`p0`, `p1`... in table order, `default`); `rule` null: none matches.
        struct DecidedBy: Decodable, Sendable {
            let rule: String?
            let kind: String?
            let policies: [String]
        }

        let name: String
        let policies: [String]
        let path: String
        let operation: String
        let allowed: Bool
        let capabilities: [String]?
        let decidedBy: DecidedBy
        var testDescription: String { name }

        enum CodingKeys: String, CodingKey {
            case name, policies, path, operation, allowed, capabilities
            case decidedBy = "decided_by"
        }

        /// The table's operation as the ACL asks it: `create` and `update` are a
        /// write to a path that does not / does exist.
        var question: ACLRequest? {
            let operation: Request.Operation?
            switch self.operation {
            case "create", "update": operation = .write
            default: operation = Request.Operation(rawValue: self.operation)
            }
            guard let operation else { return nil }
            // The HTTP layer gives every LIST path a trailing slash before the ACL sees it.
            let path = operation == .list && !path.hasSuffix("/") ? path + "/" : path
            return ACLRequest(path: path, capability: ACLRequest.capability(for: operation, exists: self.operation != "create"))
        }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/acl-cases.json")
        struct File: Decodable { let cases: [Case] }
        // A missing or broken fixture empties the table, which `tableSize` fails.
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    @Test("the table has at least 40 cases")
    func tableSize() {
        #expect(Self.cases.count >= 40)
    }

    @Test("each case gets the decision OpenBao gives, from the rule the spec names", arguments: cases)
    func decision(_ testCase: Case) throws {
        var policies = try testCase.policies.enumerated().map { index, text in
            try PolicyParser.parse(name: "p\(index)", text: text)
        }
        policies.append(try PolicyParser.parse(name: "default", text: DefaultPolicy.text))
        let acl = ACL(policies: policies)
        let question = try #require(testCase.question, "unknown operation \(testCase.operation)")

        let decision = acl.decide(question)
        #expect(decision.isAllowed == testCase.allowed)
        #expect(decision.rule?.pattern == testCase.decidedBy.rule)
        #expect(decision.rule?.kind.rawValue == testCase.decidedBy.kind)
        #expect(decision.decidingPolicies == testCase.decidedBy.policies)
        if !testCase.allowed {
            #expect(decision.failedCheck?.name == (testCase.decidedBy.rule == nil ? "rule" : "capability"))
        }
        if let expected = testCase.capabilities {
            #expect(acl.capabilities(on: testCase.path).sortedNames == expected)
        }
    }
}

@Suite struct PolicyParserTests {
    @Test("an unknown capability is refused with OpenBao's message")
    func unknownCapability() {
        #expect(
            throws: PolicyParser.Error(
                description: "failed to parse policy: path \"secret/*\": path \"secret/*\": invalid capability \"fly\"")
        ) {
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
        #expect(throws: PolicyParser.Error.self) {
            try PolicyParser.parse(name: "x", text: "path \"secret/data/+*\" { capabilities = [\"read\"] }")
        }
        #expect(throws: PolicyParser.Error.self) {
            try PolicyParser.parse(name: "x", text: "path \"a\" { capabilities = [\"read\"] foo = 1 }")
        }
        #expect(throws: PolicyParser.Error.self) { try PolicyParser.parse(name: "x", text: "foo = 1") }
    }

    @Test("the JSON form means the same as the HCL form")
    func jsonForm() throws {
        let json = try PolicyParser.parse(
            name: "j",
            text: #"{"path": {"secret/data/j/*": {"capabilities": ["read"]}, "secret/metadata/j/*": {"capabilities": ["list"]}}}"#)
        let hcl = try PolicyParser.parse(
            name: "j",
            text: "path \"secret/data/j/*\" { capabilities = [\"read\"] }\npath \"secret/metadata/j/*\" { capabilities = [\"list\"] }")
        #expect(Set(json.rules.map(\.pattern)) == Set(hcl.rules.map(\.pattern)))
        #expect(ACL(policies: [json]).capabilities(on: "secret/data/j/x") == .read)
    }

    @Test("parameter constraints: denied, required and allowed with globs")
    func parameters() throws {
        let policy = try PolicyParser.parse(
            name: "p",
            text: """
                path "kv/app" {
                  capabilities = ["create", "update"]
                  allowed_parameters = { "env" = ["dev", "stag*"], "owner" = [] }
                  denied_parameters = { "secret" = [] }
                  required_parameters = ["owner"]
                }
                """)
        let acl = ACL(policies: [policy])
        func allows(_ parameters: [String: JSONValue]) -> Bool {
            acl.decide(ACLRequest(path: "kv/app", capability: .update, parameters: parameters)).isAllowed
        }
        #expect(allows(["env": "dev", "owner": "me"]))
        #expect(allows(["ENV": "staging", "owner": "me"]))
        #expect(!allows(["env": "prod", "owner": "me"]))
        #expect(!allows(["other": "x", "owner": "me"]))
        #expect(!allows(["env": "dev"]))
        #expect(!allows(["secret": "x", "owner": "me"]))
    }
}
