import Testing

@testable import CofferHCL

/// Vault-style ACL policies: `path` blocks, capability lists, parameter constraints, heredocs.
@Suite struct HCLPolicyTests {
    static let policy = """
        # Dev team policy
        path "secret/data/*" {
          capabilities = ["create", "read", "update", "delete", "list"]
        }

        path "secret/metadata/*" {
          capabilities = [
            "list",
          ]
        }

        path "sys/policies/acl/dev" {
          capabilities = ["read", "update"]
          allowed_parameters = {
            "policy" = []
            "*"      = ["foo", "bar"]
          }
          denied_parameters = {
            "name" = []
          }
          required_parameters = ["policy"]
          min_wrapping_ttl = "1s"
          max_wrapping_ttl = 90
        }

        path "auth/token/lookup-self" = {
          policy = "read"
        }
        """

    @Test func iteratesPathBlocksInOrder() throws {
        let body = try HCLParser.parse(Self.policy)
        let paths = body.blocks(ofType: "path")
        #expect(
            paths.compactMap(\.label) == [
                "secret/data/*", "secret/metadata/*", "sys/policies/acl/dev", "auth/token/lookup-self",
            ])
        #expect(paths.map(\.position.line) == [2, 6, 12, 26])
    }

    @Test func readsCapabilityLists() throws {
        let paths = try HCLParser.parse(Self.policy).blocks(ofType: "path")
        #expect(try paths[0].body.stringList("capabilities") == ["create", "read", "update", "delete", "list"])
        #expect(try paths[1].body.stringList("capabilities") == ["list"])
        #expect(try paths[3].body.stringList("capabilities") == nil)
        #expect(try paths[3].body.string("policy") == "read")
    }

    @Test func readsNestedParameterObjects() throws {
        let paths = try HCLParser.parse(Self.policy).blocks(ofType: "path")
        let dev = paths[2].body
        let allowed = try #require(try dev.object("allowed_parameters"))
        #expect(allowed.names == ["policy", "*"])
        #expect(allowed["policy"] == [])
        #expect(try allowed.stringList("*") == ["foo", "bar"])
        #expect(try dev.object("denied_parameters")?["name"] == [])
        #expect(try dev.stringList("required_parameters") == ["policy"])
        #expect(try dev.string("min_wrapping_ttl") == "1s")
        #expect(try dev.int("max_wrapping_ttl") == 90)
    }

    @Test func parsesPolicyEmbeddedInHeredoc() throws {
        let wrapper = try HCLParser.parse(
            """
            name = "dev"
            policy = <<-EOT
              path "kv/*" {
                capabilities = ["read"]
              }
              EOT
            """)
        let text = try #require(try wrapper.string("policy"))
        #expect(text == "path \"kv/*\" {\n  capabilities = [\"read\"]\n}\n")
        let inner = try HCLParser.parse(text)
        #expect(try inner.blocks(ofType: "path").first?.body.stringList("capabilities") == ["read"])
    }

    @Test func reportsNonStringCapabilityAtTheElement() throws {
        let body = try HCLParser.parse(
            """
            path "x" {
              capabilities = ["read", { a = 1 }]
            }
            """)
        let path = try #require(body.blocks(ofType: "path").first)
        let error = #expect(throws: HCLParseError.self) { try path.body.stringList("capabilities") }
        #expect(error?.line == 2)
        #expect(error?.column == 27)
        #expect(error?.message == #"element 2 of "capabilities" must be a string, found object"#)
    }

    @Test func reportsLabelErrorsAtTheLabel() throws {
        let body = try HCLParser.parse("path   \"bad path\" {}")
        let path = try #require(body.blocks(ofType: "path").first)
        #expect(path.labelError(at: 0, "invalid path").description == "At 1:8: invalid path")
    }
}
