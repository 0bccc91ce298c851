import Foundation
import Testing

@testable import CofferCLI

/// Request paths as Vault's Go client cleans them (`path.Join`), so a trailing
/// slash or a doubled one reaches the server as the real CLI sends it.
@Suite struct RequestPathTests {
    @Test(
        "paths are cleaned as Go's path.Join cleans them",
        arguments: [
            ("secret/data/x", "/v1/secret/data/x"),
            ("secret/metadata/", "/v1/secret/metadata"),
            ("sys/leases/revoke-prefix/x/", "/v1/sys/leases/revoke-prefix/x"),
            ("secret//data/./x/", "/v1/secret/data/x"),
            ("a/../b", "/v1/b"),
            ("../../etc", "/etc"),
        ])
    func cleaned(path: String, expected: String) {
        #expect(APIClient.requestPath(path) == expected)
    }

    @Test("an encoded root token decodes with its OTP; a length mismatch is the CLI's error")
    func decodeRootToken() throws {
        // "s.abc" XOR "ABCDE", unpadded base64 as the server sends it.
        let mixed = zip(Array("s.abc".utf8), Array("ABCDE".utf8)).map { $0 ^ $1 }
        let encoded = String(Data(mixed).base64EncodedString().prefix { $0 != "=" })
        #expect(try RootTokenDecoding.decode(encoded, otp: "ABCDE") == "s.abc")
        #expect(throws: CLIError.self) { try RootTokenDecoding.decode(encoded, otp: "AB") }
    }

    @Test("Vault's wrapAtLength: greedy, at 80 columns")
    func wrap() {
        let text = GenerateRootCommand.wrap(String(repeating: "word ", count: 20))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(
            text.replacingOccurrences(of: "\n", with: " ") == String(repeating: "word ", count: 20).trimmingCharacters(in: .whitespaces))
    }
}
