import Testing

@testable import CofferMounts

/// `bound_service_account_namespace_selector`: JSON or YAML, `matchLabels`
/// only, checked against the labels the API server reports.
@Suite struct NamespaceSelectorTests {
    @Test(
        "JSON and YAML spellings parse to the same labels",
        arguments: [
            #"{"matchLabels": {"coffer.dev/ci": "true", "team": "platform"}}"#,
            "matchLabels:\n  coffer.dev/ci: \"true\"\n  team: platform\n",
            "{matchLabels: {coffer.dev/ci: 'true', team: platform}}",
        ])
    func spellings(_ text: String) throws {
        let selector = try NamespaceSelector(parsing: text)
        #expect(selector.matchLabels == ["coffer.dev/ci": "true", "team": "platform"])
    }

    @Test("a namespace is selected when it carries every label with its value")
    func selects() throws {
        let selector = try NamespaceSelector(parsing: #"{"matchLabels": {"ci": "true", "team": "a"}}"#)
        #expect(selector.selects(["ci": "true", "team": "a", "other": "x"]))
        #expect(!selector.selects(["ci": "true"]))
        #expect(!selector.selects(["ci": "false", "team": "a"]))
        #expect(!selector.selects([:]))
    }

    @Test("an empty selector object selects every namespace", arguments: ["{}", #"{"matchLabels": {}}"#, #"{"matchLabels": null}"#])
    func everything(_ text: String) throws {
        #expect(try NamespaceSelector(parsing: text).selects([:]))
    }

    @Test(
        "what OpenBao refuses, and what could hurt the parser, is refused",
        arguments: [
            "",
            #"{"matchExpressions": [{"key": "a", "operator": "Exists"}]}"#,
            "[1, 2",
            "just a string",
            "[1, 2, 3]",
            #"{"matchLabels": ["a"]}"#,
            #"{"matchLabels": {"a": {"b": "c"}}}"#,
            #"{"matchLabels": {"a": ["b"]}}"#,
            #"{"matchLabels": {"bad key!": "x"}}"#,
            #"{"matchLabels": {"a": "-starts-with-dash"}}"#,
            #"{"matchLabels": {"/name": "x"}}"#,
            String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
            "matchLabels: {a: " + String(repeating: "x", count: 20_000) + "}",
            #"{"matchLabels": {"a": ""# + String(repeating: "v", count: 64) + #""}}"#,
        ])
    func refused(_ text: String) {
        #expect(throws: NamespaceSelector.Invalid.self) { try NamespaceSelector(parsing: text) }
    }

    @Test("a YAML alias bomb within the size limit neither expands nor traps")
    func aliases() {
        let bomb = """
            a: &a ["x", "x", "x", "x", "x", "x", "x", "x"]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c]
            matchLabels: *d
            """
        #expect(throws: NamespaceSelector.Invalid.self) { try NamespaceSelector(parsing: bomb) }
    }

    @Test("label values may be empty, keys may carry a DNS prefix")
    func labelSyntax() throws {
        #expect(throws: Never.self) { try NamespaceSelector.checkLabel("example.com/team", "") }
        #expect(throws: Never.self) { try NamespaceSelector.checkLabel("a_b.c-d", "A1") }
        #expect(throws: NamespaceSelector.Invalid.self) { try NamespaceSelector.checkLabel("Example.com/team", "x") }
        #expect(throws: NamespaceSelector.Invalid.self) { try NamespaceSelector.checkLabel(String(repeating: "k", count: 64), "x") }
    }
}
