import CofferEncoding
import CofferMountKit
import Crypto
import Foundation
import Testing

@testable import CofferCore

/// The redaction pass (spec/vault-api.md §4.11): which audit fields are
/// hashed is a security property, so every field of a full entry is checked.
@Suite struct AuditRedactionTests {
    static let salt = SymmetricKey(data: Data(repeating: 7, count: 32))

    /// An entry with every field set; each sensitive value is a distinct secret.
    static func fullEntry() -> AuditEntry {
        AuditEntry(
            kind: .response, time: Date(timeIntervalSince1970: 1_800_000_000),
            auth: AuditAuth(
                accessor: "secret-accessor", clientToken: "secret-token", displayName: "token", metadata: ["role": "ci"],
                policies: ["app"], policyResults: AuditPolicyResults(allowed: true, grantingPolicies: ["app"]),
                tokenIssueTime: Date(timeIntervalSince1970: 1_799_999_000), tokenPolicies: ["app"], tokenTTL: 60, tokenType: "service"
            ),
            request: AuditRequest(
                clientToken: "secret-token", clientTokenAccessor: "secret-accessor",
                data: ["password": "secret-body", "nested": ["deep": ["secret-item", 3, true, .null]], "empty": ""],
                id: "request-id", mount: AuditMount(accessor: "kv_1234abcd", mountClass: "secret", point: "secret/", type: "kv"),
                operation: "update", path: "secret/data/app", remoteAddress: "127.0.0.1", wrapTTL: 60
            ),
            response: AuditResponse(
                auth: [
                    "client_token": "secret-login-token", "accessor": "secret-login-accessor", "policies": ["app"], "lease_duration": 60,
                ],
                data: ["value": "secret-answer", "count": 2, "list": ["secret-in-list"]],
                mount: AuditMount(accessor: "kv_1234abcd", mountClass: "secret", point: "secret/", type: "kv"), leaseID: "secret/creds/abc",
                wrapInfo: [
                    "token": "secret-wrap-token", "accessor": "secret-wrap-accessor", "wrapped_accessor": "secret-wrapped",
                    "creation_path": "secret/data/app", "ttl": 60,
                ]
            ),
            error: "1 error occurred"
        )
    }

    /// Every string in the line that the entry writes.
    static func strings(_ entry: AuditEntry) throws -> [String] {
        func collect(_ value: JSONValue, into found: inout [String]) {
            switch value {
            case .string(let text): found.append(text)
            case .array(let items): items.forEach { collect($0, into: &found) }
            case .object(let members): members.values.forEach { collect($0, into: &found) }
            default: break
            }
        }
        var found: [String] = []
        collect(try JSONValue.parse(AuditEntryWriter.line(entry)), into: &found)
        return found
    }

    @Test("no token, accessor or data string survives redaction; hashes are the device's HMAC")
    func secretsAreHashed() throws {
        let redaction = AuditRedaction(salt: Self.salt)
        let entry = Self.fullEntry()
        let written = try Self.strings(redaction.redacted(entry))
        #expect(!written.isEmpty)
        #expect(!written.contains { $0.contains("secret-") })
        let redacted = redaction.redacted(entry)
        let expected = "hmac-sha256:" + Hex.encode(Array(HMAC<SHA256>.authenticationCode(for: Data("secret-token".utf8), using: Self.salt)))
        #expect(redacted.auth.clientToken == expected)
        #expect(redacted.request.clientToken == expected)
        #expect(redacted.request.data?["empty"] == .string(redaction.hmac("")))
        #expect(redacted.request.data?["nested"]?["deep"] == [.string(redaction.hmac("secret-item")), 3, true, .null])
        #expect(redacted.response?.wrapInfo?["wrapped_accessor"] == .string(redaction.hmac("secret-wrapped")))
    }

    @Test("paths, policies, metadata, mount fields, lease id, times and the error stay clear")
    func clearFieldsStayClear() throws {
        let entry = Self.fullEntry()
        let redacted = AuditRedaction(salt: Self.salt).redacted(entry)
        #expect(redacted.request.path == entry.request.path)
        #expect(redacted.request.mount == entry.request.mount)
        #expect(redacted.request.remoteAddress == entry.request.remoteAddress)
        #expect(redacted.auth.metadata == entry.auth.metadata)
        #expect(redacted.auth.policies == entry.auth.policies)
        #expect(redacted.auth.displayName == entry.auth.displayName)
        #expect(redacted.response?.leaseID == entry.response?.leaseID)
        #expect(redacted.response?.wrapInfo?["creation_path"] == entry.response?.wrapInfo?["creation_path"])
        #expect(redacted.response?.auth?["policies"] == entry.response?.auth?["policies"])
        #expect(redacted.error == entry.error)
        #expect(redacted.time == entry.time)
    }

    @Test("hmac_accessor=false leaves accessors clear and still hashes tokens")
    func accessorsClear() {
        let redacted = AuditRedaction(salt: Self.salt, hashesAccessors: false).redacted(Self.fullEntry())
        #expect(redacted.auth.accessor == "secret-accessor")
        #expect(redacted.request.clientTokenAccessor == "secret-accessor")
        #expect(redacted.response?.auth?["accessor"] == "secret-login-accessor")
        #expect(redacted.response?.wrapInfo?["accessor"] == "secret-wrap-accessor")
        #expect(redacted.auth.clientToken?.hasPrefix("hmac-sha256:") == true)
        #expect(redacted.response?.wrapInfo?["token"]?.stringValue?.hasPrefix("hmac-sha256:") == true)
    }

    @Test("log_raw leaves the entry as it was")
    func raw() {
        let entry = Self.fullEntry()
        #expect(AuditRedaction(salt: Self.salt, logsRaw: true).redacted(entry) == entry)
    }

    @Test("two devices' salts give two different hashes of one value")
    func saltsDiffer() {
        let other = AuditRedaction(salt: SymmetricKey(data: Data(repeating: 8, count: 32)))
        #expect(AuditRedaction(salt: Self.salt).hmac("value") != other.hmac("value"))
    }
}
