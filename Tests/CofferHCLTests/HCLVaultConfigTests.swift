import Testing

@testable import CofferHCL

/// Vault-style server configuration files: storage and listener blocks, scalars, unknown keys.
@Suite struct HCLVaultConfigTests {
    static let config = """
        # Coffer server configuration
        storage "sqlite" {
          path = "/var/lib/coffer/coffer.db"   // database file
        }

        listener "tcp" {
          address     = "127.0.0.1:8200"
          tls_disable = "true"
        }

        listener "tcp" {
          address       = "0.0.0.0:8201"
          tls_disable   = 0
          tls_cert_file = "/etc/coffer/cert.pem"
        }

        /* settings */
        api_addr          = "https://coffer.example.com:8200"
        default_lease_ttl = "768h"
        max_request_size  = "33554432"
        ui                = true
        disable_mlock     = 1
        plugin_directory  = "/opt/plugins"   # not something Coffer knows
        """

    @Test func readsStorageBlock() throws {
        let body = try HCLParser.parse(Self.config)
        let storage = try #require(body.blocks(ofType: "storage").first)
        #expect(storage.label == "sqlite")
        #expect(try storage.body.string("path") == "/var/lib/coffer/coffer.db")
        #expect(storage.position == HCLPosition(line: 2, column: 1))
    }

    @Test func readsEveryListenerWithLenientBooleans() throws {
        let body = try HCLParser.parse(Self.config)
        let listeners = body.blocks(ofType: "listener")
        #expect(listeners.map(\.labels) == [["tcp"], ["tcp"]])
        #expect(try listeners[0].body.string("address") == "127.0.0.1:8200")
        #expect(try listeners[0].body.bool("tls_disable") == true)
        #expect(try listeners[1].body.bool("tls_disable") == false)
        #expect(try listeners[1].body.string("tls_cert_file") == "/etc/coffer/cert.pem")
        #expect(try listeners[0].body.string("tls_cert_file") == nil)
    }

    @Test func readsTopLevelScalars() throws {
        let body = try HCLParser.parse(Self.config)
        #expect(try body.string("api_addr") == "https://coffer.example.com:8200")
        #expect(try body.string("default_lease_ttl") == "768h")
        #expect(try body.int("max_request_size") == 33_554_432)
        #expect(try body.bool("ui") == true)
        #expect(try body.bool("disable_mlock") == true)
        #expect(try body.bool("missing") == nil)
    }

    @Test func reportsUnknownKeysAtTheirPosition() throws {
        let body = try HCLParser.parse(Self.config)
        let allowed: Set<String> = [
            "storage", "listener", "api_addr", "default_lease_ttl", "max_request_size", "ui", "disable_mlock",
        ]
        let unknown = body.unknownItems(allowed: allowed)
        #expect(unknown.map(\.name) == ["plugin_directory"])
        let error = try #require(unknown.first).error(#"unknown key "plugin_directory""#)
        #expect(error.line == 23)
        #expect(error.column == 1)
        #expect(error.description == #"At 23:1: unknown key "plugin_directory""#)
    }

    @Test func reportsMistypedSettingAtTheValue() throws {
        let body = try HCLParser.parse(
            """
            listener "tcp" {
              tls_disable = "maybe"
              address = ["a"]
            }
            """)
        let listener = try #require(body.blocks(ofType: "listener").first)
        let boolError = #expect(throws: HCLParseError.self) { try listener.body.bool("tls_disable") }
        #expect(boolError?.description == #"At 2:17: "tls_disable" must be a boolean, found string "maybe""#)
        let stringError = #expect(throws: HCLParseError.self) { try listener.body.string("address") }
        #expect(stringError?.description == #"At 3:13: "address" must be a string, found list"#)
    }
}
