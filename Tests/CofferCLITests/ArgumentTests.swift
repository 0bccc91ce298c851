import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferCLI

@Suite struct ArgumentTests {
    @Test("Vault's single-dash long flags become double-dash; short flags, values and stdin stay")
    func flagSpelling() {
        #expect(
            VaultFlagSpelling.normalize(["server", "-dev", "-dev-root-token-id=root"]) == ["server", "--dev", "--dev-root-token-id=root"])
        #expect(
            VaultFlagSpelling.normalize(["write", "-f", "-field=token", "auth/x", "jwt=-"]) == [
                "write", "-f", "--field=token", "auth/x", "jwt=-",
            ])
        #expect(VaultFlagSpelling.normalize(["write", "path", "-"]) == ["write", "path", "-"])
        #expect(VaultFlagSpelling.normalize(["--format=json", "--", "-literal"]) == ["--format=json", "--", "-literal"])
    }

    @Test("k=v pairs are strings, repeats make lists, @file reads a file")
    func keyValues() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kv-\(UUID().uuidString).json")
        try Data("{\"a\": 1}".utf8).write(to: file)
        let body = try KeyValueArguments.parse(["role=ci", "aud=a", "aud=b", "claims=@\(file.path)"], stdin: { Data() })
        #expect(body == ["role": "ci", "aud": ["a", "b"], "claims": "{\"a\": 1}"])
    }

    @Test("a lone @file or - is the whole JSON body")
    func wholeBody() throws {
        let body = try KeyValueArguments.parse(["-"], stdin: { Data("{\"data\": {\"x\": true}}".utf8) })
        #expect(body == ["data": ["x": true]])
        #expect(throws: CLIError.self) { try KeyValueArguments.parse(["-"], stdin: { Data("[1]".utf8) }) }
    }

    @Test("-field=token reads the auth block; other fields read data")
    func fieldLookup() {
        let login: JSONValue = ["data": .null, "auth": ["client_token": "s.abc", "accessor": "acc", "lease_duration": 900]]
        #expect(ResponsePrinter.field("token", in: login) == "s.abc")
        let read: JSONValue = ["data": ["role_id": "r-1"], "auth": .null]
        #expect(ResponsePrinter.field("role_id", in: read) == "r-1")
        #expect(ResponsePrinter.field("missing", in: read) == nil)
    }
}
