import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferCore

/// The audit line's bytes: keys in Go's sorted order, Go's escaping, one line
/// per entry (the shape log shippers already parse; spec/vault-api.md §4.11).
@Suite struct AuditEntryWriterTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000.25)

    static func text(_ entry: AuditEntry) -> String {
        String(decoding: AuditEntryWriter.line(entry), as: UTF8.self)
    }

    @Test("a request with no token: the default auth, the namespace, no response")
    func loginRequest() {
        let entry = AuditEntry(
            kind: .request, time: Self.time, auth: .noToken,
            request: AuditRequest(id: "id-1", operation: "update", path: "auth/approle/login", remoteAddress: "127.0.0.1")
        )
        let expected =
            #"{"auth":{"token_type":"default"},"request":{"id":"id-1","namespace":{"id":"root"},"operation":"update","#
            + #""path":"auth/approle/login","remote_address":"127.0.0.1"},"time":"\#(Timestamps.rfc3339(Self.time))","type":"request"}"#
            + "\n"
        #expect(Self.text(entry) == expected)
    }

    @Test("every field of a response line, in Go's key order")
    func fullResponse() {
        let entry = AuditRedactionTests.fullEntry()
        let issued = Timestamps.rfc3339(entry.auth.tokenIssueTime ?? .distantPast)
        let expected =
            #"{"auth":{"accessor":"secret-accessor","client_token":"secret-token","display_name":"token","metadata":{"role":"ci"},"#
            + #""policies":["app"],"policy_results":{"allowed":true,"granting_policies":[{"name":"app","namespace_id":"root","type":"acl"}]},"#
            + #""token_issue_time":"\#(issued)","token_policies":["app"],"token_ttl":60,"token_type":"service"},"#
            + #""error":"1 error occurred","#
            + #""request":{"client_token":"secret-token","client_token_accessor":"secret-accessor","#
            + #""data":{"empty":"","nested":{"deep":["secret-item",3,true,null]},"password":"secret-body"},"id":"request-id","#
            + #""mount_accessor":"kv_1234abcd","mount_class":"secret","mount_point":"secret/","mount_running_version":"v2.7.2+builtin.bao","#
            + #""mount_type":"kv","namespace":{"id":"root"},"operation":"update","path":"secret/data/app","remote_address":"127.0.0.1","wrap_ttl":60},"#
            + #""response":{"auth":{"accessor":"secret-login-accessor","client_token":"secret-login-token","lease_duration":60,"policies":["app"]},"#
            + #""data":{"count":2,"list":["secret-in-list"],"value":"secret-answer"},"#
            + #""mount_accessor":"kv_1234abcd","mount_class":"secret","mount_point":"secret/","mount_running_plugin_version":"v2.7.2+builtin.bao","#
            + #""mount_type":"kv","secret":{"lease_id":"secret/creds/abc"},"#
            + #""wrap_info":{"accessor":"secret-wrap-accessor","creation_path":"secret/data/app","token":"secret-wrap-token","ttl":60,"#
            + #""wrapped_accessor":"secret-wrapped"}},"time":"\#(Timestamps.rfc3339(entry.time))","type":"response"}"#
            + "\n"
        #expect(Self.text(entry) == expected)
    }

    @Test("a response with nothing to say is an empty object; a zero TTL is left out; errors escaped as Go does")
    func emptyResponseAndEscaping() {
        let auth = AuditAuth(
            accessor: "a", clientToken: "t", displayName: "root", policies: ["root"],
            policyResults: AuditPolicyResults(allowed: false, grantingPolicies: []), tokenIssueTime: Self.time,
            tokenPolicies: ["root"], tokenTTL: 0, tokenType: "service"
        )
        let entry = AuditEntry(
            kind: .response, time: Self.time, auth: auth, request: AuditRequest(id: "i", operation: "read", path: "a<b>&c"),
            response: AuditResponse(), error: "1 error occurred:\n\t* permission denied\n\n"
        )
        let text = Self.text(entry)
        #expect(text.contains(#""response":{},"#))
        #expect(!text.contains("token_ttl"))
        #expect(text.contains(#""granting_policies":[]"#))
        #expect(text.contains(#""error":"1 error occurred:\n\t* permission denied\n\n","#))
        #expect(text.contains(#""path":"a\u003cb\u003e\u0026c""#))
        #expect(text.hasSuffix("}\n") && text.filter { $0 == "\n" }.count == 1)
    }
}
