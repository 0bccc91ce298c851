import CofferEncoding
import CofferMountKit
import Testing

@testable import CofferCLI

/// `coffer run --template`: Vault Agent's `with secret` blocks, fields, trims,
/// and a refusal for anything it does not understand.
@Suite struct SecretTemplateTests {
    let secrets: [String: JSONValue] = [
        "secret/data/app": ["data": ["user": "deploy", "port": 5432], "metadata": ["version": 3]],
        "kv1/legacy": ["token": "t-1"],
    ]

    @Test("fields of KV v2 and v1 secrets, text kept, trims applied")
    func renders() throws {
        let template = try SecretTemplate(
            parsing: """
                [db]
                {{- with secret "secret/data/app" }}
                user = {{ .Data.data.user }}
                port = {{ .Data.data.port }}
                {{- end }}
                legacy = {{ with secret "/kv1/legacy/" }}{{ .Data.token }}{{ end }}

                """)
        #expect(template.paths == ["secret/data/app", "kv1/legacy"])
        #expect(try template.render(secrets) == "[db]\nuser = deploy\nport = 5432\nlegacy = t-1\n")
    }

    @Test("a missing field is an error naming it, not an empty value")
    func missingField() throws {
        let template = try SecretTemplate(parsing: #"{{ with secret "secret/data/app" }}{{ .Data.data.password }}{{ end }}"#)
        #expect(throws: SecretTemplate.Invalid.self) { try template.render(secrets) }
    }

    @Test(
        "what the template language does not support is refused before anything is read",
        arguments: [
            "{{ .Data.data.x }}", #"{{ with secret "a" }}x"#, "{{ end }}", "{{ range $k := .Data }}{{ end }}",
            #"{{ with secret "a" }}{{ with secret "b" }}{{ end }}{{ end }}"#, "{{ oops", #"{{ with secret a }}{{ end }}"#,
        ])
    func refusals(source: String) throws {
        if let template = try? SecretTemplate(parsing: source) {
            #expect(throws: SecretTemplate.Invalid.self) { try template.render(secrets) }
        }
    }

    @Test("FILE:DEST takes the last colon")
    func spec() throws {
        #expect(try TemplateFiles.Spec.parse("/etc/t.ctmpl:/run/app.ini") == .init(source: "/etc/t.ctmpl", destination: "/run/app.ini"))
        #expect(throws: SecretTemplate.Invalid.self) { try TemplateFiles.Spec.parse("nodest:") }
        #expect(throws: SecretTemplate.Invalid.self) { try TemplateFiles.Spec.parse("plain") }
    }
}
